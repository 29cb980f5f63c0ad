"""Import the inspection programme from a CSV or ODS file: preview what would change, then apply.

One row a line of the programme: an inspection and the organisation it inspects. A row with an
organisation and no programme or dates adds or changes the organisation alone. The preview runs
the very changes the import would make, checks every row, and rolls them back; the import runs
them again and commits only if no row is wrong. Rows are matched by code, so importing the same
file twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from .. import audit
from ..models import StaffUser
from ..spreadsheets import csv_rows, ods_file
from . import InputProblems
from .inspections import (
    InspectionDetails,
    add_inspection,
    edit_inspection,
    find_inspection,
)
from .organisations import (
    OrganisationDetails,
    add_organisation,
    edit_organisation,
    find_organisation,
    slug,
)
from .reference import ensure_reference_data
from .spreadsheet_files import FileProblem, read_rows

REQUIRED_COLUMNS = ("organisation_code", "organisation_name", "kind", "region",
                    "programme", "fieldwork_start", "fieldwork_end")
OPTIONAL_COLUMNS = ("organisation_name_cy", "language", "published_on", "title", "title_cy", "inspection_code")
COLUMNS = ("inspection_code", "programme", "organisation_code", "organisation_name", "organisation_name_cy",
           "kind", "region", "language", "fieldwork_start", "fieldwork_end", "published_on", "title", "title_cy")
ORGANISATION_COLUMNS = {"name": "organisation_name", "name_cy": "organisation_name_cy", "kind": "kind",
                        "region": "region", "language": "language", "code": "organisation_code"}
INSPECTION_COLUMNS = {"programme": "programme", "organisation": "organisation_code",
                      "fieldwork_start": "fieldwork_start", "fieldwork_end": "fieldwork_end",
                      "published_on": "published_on", "title": "title", "title_cy": "title_cy",
                      "code": "inspection_code"}
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"

TEMPLATE_ROWS = (
    ("", "OMI2", "trust-wales", "Wales Probation Trust", "Ymddiriedolaeth Prawf Cymru", "probation_trust", "wales",
     "both", "2026-05-11", "2026-05-15", "2026-08-01", "", ""),
    ("", "SQS", "yot-example", "Example YOT", "", "yot", "north_west", "", "2026-06-08", "2026-06-10", "", "", ""),
    ("", "THEMATIC", "", "", "", "", "", "", "2026-09-07", "2026-10-02", "",
     "The work of probation with women", "Gwaith prawf gyda menywod"),
)


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: object


@dataclass
class RowOutcome:
    row: int
    organisation: str | None = None  # its code, when the row names one
    organisation_action: str | None = None  # new, changed, unchanged
    inspection: str | None = None
    inspection_action: str | None = None
    changes: dict[str, tuple] = field(default_factory=dict)


@dataclass
class ImportPlan:
    outcomes: list[RowOutcome] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, part: str, action: str) -> int:
        seen = set()
        for outcome in self.outcomes:
            if getattr(outcome, f"{part}_action") == action:
                seen.add(getattr(outcome, part))
        return len(seen)

    def summary(self) -> dict[str, int]:
        return {f"{part}s_{action}": self.count(part, action)
                for part in ("organisation", "inspection") for action in (NEW, CHANGED, UNCHANGED)}

    @property
    def changes_anything(self) -> bool:
        return any(o.organisation_action in (NEW, CHANGED) or o.inspection_action in (NEW, CHANGED)
                   for o in self.outcomes)


def _header_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def parse_day(text: str) -> date:
    """Read 2026-05-11, 11/05/2026 or 11/5/2026 (the UK way round); raise ValueError otherwise."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    found = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(year, month, day)
    raise ValueError(text)


def template_rows() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    return COLUMNS, TEMPLATE_ROWS


def template_csv() -> str:
    return "".join(csv_rows(COLUMNS, TEMPLATE_ROWS))


def template_ods() -> bytes:
    return ods_file([("programme", COLUMNS, TEMPLATE_ROWS)])


def plan_import(session: Session, filename: str, content: bytes, *, actor: StaffUser | str,
                address: str | None = None, now: datetime | None = None) -> ImportPlan:
    """Make the file's changes in the session and say, row by row, what they are or why not.

    Raises FileProblem when the file as a whole is unusable. The caller commits (import) or
    rolls back (preview); it must roll back whenever the plan has problems.
    """
    rows = read_rows(filename, content)
    if not rows or not any(rows[0]):
        raise FileProblem(_l("The file has no header row: use the template"))
    headers = [_header_name(cell) for cell in rows[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in headers]
    unknown = [text for text, name in zip(rows[0], headers, strict=True) if name and name not in COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(_l("The file is missing the columns: %(columns)s", columns=", ".join(missing)))
        if unknown:
            problems.append(_l("The file has columns the import does not know: %(columns)s",
                               columns=", ".join(unknown)))
        raise FileProblem(" ".join(str(p) for p in problems) + " " + str(_l("Use the template's headers.")))
    ensure_reference_data(session)
    plan = ImportPlan()
    seen_organisations: dict[str, tuple[int, tuple]] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(headers) if name}
        values = {name: values.get(name, "") for name in COLUMNS}
        outcome = RowOutcome(number)
        before = len(plan.problems)
        _import_organisation(session, values, number, outcome, plan, seen_organisations, actor, address, now)
        if len(plan.problems) == before:
            _import_inspection(session, values, number, outcome, plan, actor, address, now)
        plan.outcomes.append(outcome)
    if not plan.outcomes and not plan.problems:
        raise FileProblem(_l("The file has no rows under its header"))
    return plan


def _import_organisation(session, values, number, outcome, plan, seen, actor, address, now) -> None:
    code = values["organisation_code"].strip().lower()
    if not code:
        if values["organisation_name"]:
            plan.problems.append(RowProblem(number, "organisation_code", _l("Enter the organisation's code")))
        return
    outcome.organisation = code
    existing = find_organisation(session, code)
    if not values["organisation_name"]:
        if existing is None and code not in seen:
            plan.problems.append(RowProblem(number, "organisation_code", _l(
                "There is no organisation with this code: give its name, kind and region to add it")))
        elif existing is not None:
            outcome.organisation_action = outcome.organisation_action or UNCHANGED
        return
    mine = tuple(values[c] for c in ("organisation_name", "organisation_name_cy", "kind", "region", "language"))
    if code in seen:
        first_row, theirs = seen[code]
        if theirs != mine:
            plan.problems.append(RowProblem(number, "organisation_name", _l(
                "This organisation's details differ from row %(row)d", row=first_row)))
        else:
            outcome.organisation_action = UNCHANGED
        return
    seen[code] = (number, mine)
    details = OrganisationDetails(
        code=code, name=values["organisation_name"],
        name_cy=values["organisation_name_cy"] or (existing.name_cy or "" if existing else ""),
        kind=values["kind"], region=values["region"],
        language=values["language"] or (existing.language_preference if existing else ""),
    )
    try:
        if existing is None:
            add_organisation(session, details, actor=actor, address=address, now=now)
            outcome.organisation_action = NEW
        else:
            changes = edit_organisation(session, existing, details, actor=actor, address=address, now=now)
            outcome.organisation_action = CHANGED if changes else UNCHANGED
            outcome.changes.update({ORGANISATION_COLUMNS.get(k, k): v for k, v in changes.items()})
    except InputProblems as error:
        for name, message in error.problems.items():
            plan.problems.append(RowProblem(number, ORGANISATION_COLUMNS.get(name, name), message))


def _import_inspection(session, values, number, outcome, plan, actor, address, now) -> None:
    if not (values["programme"] or values["fieldwork_start"] or values["fieldwork_end"] or values["inspection_code"]):
        return
    dates: dict[str, date | None] = {}
    for column in ("fieldwork_start", "fieldwork_end", "published_on"):
        text = values[column]
        try:
            dates[column] = parse_day(text) if text else None
        except ValueError:
            dates[column] = None
            plan.problems.append(RowProblem(number, column, _l("Enter a real date, like 2026-05-11 or 11/05/2026")))
    if any(p.row == number for p in plan.problems):
        return
    details = InspectionDetails(
        programme=values["programme"], organisation=values["organisation_code"],
        fieldwork_start=dates["fieldwork_start"], fieldwork_end=dates["fieldwork_end"],
        published_on=dates["published_on"], title=values["title"], title_cy=values["title_cy"],
        code=values["inspection_code"],
    )
    code = details.code.strip().lower() or _matching_code(details)
    existing = find_inspection(session, code) if code else None
    try:
        if existing is None:
            inspection = add_inspection(session, _with_code(details, code), actor=actor, address=address, now=now)
            outcome.inspection_action = NEW
        else:
            inspection = existing
            changes = edit_inspection(session, existing, _with_code(details, ""), actor=actor, address=address, now=now)
            outcome.inspection_action = CHANGED if changes else UNCHANGED
            outcome.changes.update({INSPECTION_COLUMNS.get(k, k): v for k, v in changes.items()})
        outcome.inspection = inspection.code
    except InputProblems as error:
        for name, message in error.problems.items():
            plan.problems.append(RowProblem(number, INSPECTION_COLUMNS.get(name, name), message))


def _matching_code(details: InspectionDetails) -> str:
    """The code a row without one is known by: programme, organisation (or title), first day."""
    if details.fieldwork_start is None or not details.programme:
        return ""
    who = details.organisation.strip().lower() or slug(details.title)[:60]
    return f"{details.programme.strip().lower()}-{who}-{details.fieldwork_start.isoformat()}"


def _with_code(details: InspectionDetails, code: str) -> InspectionDetails:
    return replace(details, code=code)


def import_programme(session: Session, filename: str, content: bytes, *, actor: StaffUser | str,
                     address: str | None = None, now: datetime | None = None) -> ImportPlan:
    """Apply a programme file and commit, or change nothing (rolled back) if any row is wrong."""
    try:
        plan = plan_import(session, filename, content, actor=actor, address=address, now=now)
    except BaseException:
        session.rollback()
        raise
    if not plan.ok:
        session.rollback()
        return plan
    audit.record(session, "programme.import", actor=actor, subject=filename[:120], address=address, at=now,
                 detail=plan.summary())
    session.commit()
    return plan


def preview_programme(session: Session, filename: str, content: bytes, *, actor: StaffUser | str,
                      address: str | None = None) -> ImportPlan:
    """Say what importing the file would change, and change nothing."""
    try:
        return plan_import(session, filename, content, actor=actor, address=address)
    finally:
        session.rollback()
