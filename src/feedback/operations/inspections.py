"""Inspections: add, change, close, and list them by programme, region, year and status."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from .. import audit
from ..clock import utcnow
from ..models import Inspection, Organisation, Programme, StaffUser
from ..results.periods import business_year_of
from . import InputProblems
from .organisations import find_organisation, slug
from .reference import ensure_reference_data, programme_by_code

PLANNED = "planned"
IN_FIELDWORK = "in_fieldwork"
AWAITING_PUBLICATION = "awaiting_publication"
PUBLISHED = "published"
CLOSED = "closed"
STATUSES = (PLANNED, IN_FIELDWORK, AWAITING_PUBLICATION, PUBLISHED, CLOSED)
STATUS_NAMES = {
    PLANNED: _l("Planned"),
    IN_FIELDWORK: _l("In fieldwork"),
    AWAITING_PUBLICATION: _l("Fieldwork finished"),
    PUBLISHED: _l("Published"),
    CLOSED: _l("Closed"),
}
MAX_TITLE = 400
MAX_CODE = 120


@dataclass(frozen=True)
class InspectionDetails:
    """What staff give for an inspection. A thematic inspection has a title and no organisation."""

    programme: str
    fieldwork_start: date | None
    fieldwork_end: date | None
    organisation: str = ""
    published_on: date | None = None
    title: str = ""
    title_cy: str = ""
    code: str = ""

    def cleaned(self) -> "InspectionDetails":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("programme", "organisation", "title", "title_cy", "code"):
            values[name] = " ".join(str(values[name] or "").split())
        values["programme"] = values["programme"].upper()
        values["organisation"] = values["organisation"].lower()
        values["code"] = values["code"].lower()
        return InspectionDetails(**values)


def status_of(inspection: Inspection, today: date) -> str:
    """Say where an inspection is, from its dates (and whether collection was closed)."""
    if inspection.closed_at is not None:
        return CLOSED
    if inspection.published_on is not None and inspection.published_on <= today:
        return PUBLISHED
    if inspection.fieldwork_start > today:
        return PLANNED
    if inspection.fieldwork_end >= today:
        return IN_FIELDWORK
    return AWAITING_PUBLICATION


def status_condition(status: str, today: date):
    """The SQL condition for inspections in a status on a day (as status_of decides it)."""
    open_ = Inspection.closed_at.is_(None)
    unpublished = or_(Inspection.published_on.is_(None), Inspection.published_on > today)
    return {
        CLOSED: Inspection.closed_at.is_not(None),
        PUBLISHED: and_(open_, Inspection.published_on <= today),
        PLANNED: and_(open_, unpublished, Inspection.fieldwork_start > today),
        IN_FIELDWORK: and_(open_, unpublished, Inspection.fieldwork_start <= today, Inspection.fieldwork_end >= today),
        AWAITING_PUBLICATION: and_(open_, unpublished, Inspection.fieldwork_end < today),
    }[status]


@dataclass(frozen=True)
class InspectionFilters:
    programme: str = ""
    region: str = ""
    year: int | None = None  # the business year fieldwork began in (2011 for 2011-12)
    status: str = ""
    search: str = ""


@dataclass(frozen=True)
class InspectionPage:
    inspections: list[Inspection]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_inspections(session: Session, filters: InspectionFilters, today: date | None = None,
                     page: int = 1, per_page: int = 50) -> InspectionPage:
    """Inspections matching the filters, latest fieldwork first, a page at a time."""
    today = today or utcnow().date()
    conditions = []
    if filters.programme:
        conditions.append(Inspection.programme_id.in_(select(Programme.id).where(Programme.code == filters.programme)))
    if filters.region:
        conditions.append(Organisation.region_code == filters.region)
    if filters.year is not None:
        conditions.append(Inspection.fieldwork_start >= date(filters.year, 4, 1))
        conditions.append(Inspection.fieldwork_start < date(filters.year + 1, 4, 1))
    if filters.status in STATUSES:
        conditions.append(status_condition(filters.status, today))
    search = filters.search.strip()[:100]
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            Organisation.name.ilike(pattern, escape="\\")
            | Organisation.name_cy.ilike(pattern, escape="\\")
            | Inspection.title.ilike(pattern, escape="\\")
            | Inspection.title_cy.ilike(pattern, escape="\\")
            | Inspection.code.ilike(pattern, escape="\\")
        )
    base = select(Inspection).outerjoin(Organisation, Inspection.organisation_id == Organisation.id).where(*conditions)
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    page = max(1, page)
    rows = session.scalars(
        base.options(joinedload(Inspection.organisation), joinedload(Inspection.programme))
        .order_by(Inspection.fieldwork_start.desc(), Inspection.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return InspectionPage(list(rows), total, page, per_page)


def find_inspection(session: Session, code: str) -> Inspection | None:
    return session.scalars(select(Inspection).where(Inspection.code == code.strip().lower())).first()


def inspection_by_reference(session: Session, reference: str) -> Inspection | None:
    """Find an inspection by its id (all digits) or its exact code, as the commands take them."""
    return session.execute(select(Inspection).where(
        Inspection.id == int(reference) if reference.isdigit() else Inspection.code == reference
    )).scalar_one_or_none()


def business_years(session: Session) -> list[int]:
    """The business years that have inspections, latest first, and this one."""
    first, last = session.execute(select(func.min(Inspection.fieldwork_start), func.max(Inspection.fieldwork_start))).one()
    this_year = business_year_of(utcnow().date())
    low = business_year_of(first) if first else this_year
    high = max(business_year_of(last) if last else this_year, this_year)
    return list(range(high, low - 1, -1))


def check_details(session: Session, details: InspectionDetails,
                  existing: Inspection | None = None) -> tuple[InspectionDetails, dict]:
    """Return the details cleaned with the rows they name, or raise InputProblems."""
    ensure_reference_data(session)
    details = details.cleaned()
    problems: dict[str, object] = {}
    programme = programme_by_code(session, details.programme)
    if programme is None:
        problems["programme"] = _l("Select the inspection programme")
    organisation = None
    if details.organisation:
        organisation = find_organisation(session, details.organisation)
        current = existing.organisation if existing is not None else None
        if organisation is None:
            problems["organisation"] = _l("There is no organisation with this code")
        elif organisation.retired_at is not None and organisation is not current:
            problems["organisation"] = _l("This organisation has been retired: reinstate it first")
    elif not details.title:
        problems["organisation"] = _l("Select the organisation inspected, or give a title for a thematic inspection")
    if len(details.title) > MAX_TITLE:
        problems["title"] = _l("The title must be 400 characters or fewer")
    if len(details.title_cy) > MAX_TITLE:
        problems["title_cy"] = _l("The Welsh title must be 400 characters or fewer")
    if details.fieldwork_start is None:
        problems["fieldwork_start"] = _l("Enter the date fieldwork begins")
    if details.fieldwork_end is None:
        problems["fieldwork_end"] = _l("Enter the date fieldwork ends")
    elif details.fieldwork_start is not None and details.fieldwork_end < details.fieldwork_start:
        problems["fieldwork_end"] = _l("The date fieldwork ends must be the same as or after the date it begins")
    if (details.published_on is not None and details.fieldwork_start is not None
            and details.published_on < details.fieldwork_start):
        problems["published_on"] = _l("The publication date must be after fieldwork begins")
    if details.code:
        clash = find_inspection(session, details.code)
        if len(details.code) > MAX_CODE or not all(c.isalnum() or c == "-" for c in details.code):
            problems["code"] = _l("A code has only lower-case letters, numbers and hyphens")
        elif clash is not None and clash is not existing:
            problems["code"] = _l("Another inspection has this code")
    if problems:
        raise InputProblems(problems)
    return details, {"programme": programme, "organisation": organisation}


def new_code(session: Session, details: InspectionDetails) -> str:
    """Make a code from the programme, the organisation (or title) and the day fieldwork begins."""
    who = details.organisation or slug(details.title)[:60]
    base = f"{details.programme.lower()}-{who}-{details.fieldwork_start.isoformat()}"
    code, n = base, 1
    while find_inspection(session, code) is not None:
        n += 1
        code = f"{base}-{n}"
    return code


def _values(details: InspectionDetails, rows: dict) -> dict:
    return {
        "programme": rows["programme"],
        "organisation": rows["organisation"],
        "fieldwork_start": details.fieldwork_start,
        "fieldwork_end": details.fieldwork_end,
        "published_on": details.published_on,
        "title": details.title or None,
        "title_cy": details.title_cy or None,
    }


def describe(inspection: Inspection) -> dict:
    """The inspection's details as plain values (codes and ISO dates), as the audit log keeps them."""
    return {
        "code": inspection.code,
        "programme": inspection.programme.code if inspection.programme else None,
        "organisation": inspection.organisation.code if inspection.organisation else None,
        "fieldwork_start": inspection.fieldwork_start.isoformat() if inspection.fieldwork_start else None,
        "fieldwork_end": inspection.fieldwork_end.isoformat() if inspection.fieldwork_end else None,
        "published_on": inspection.published_on.isoformat() if inspection.published_on else None,
        "title": inspection.title,
        "title_cy": inspection.title_cy,
    }


def add_inspection(session: Session, details: InspectionDetails, *, actor: StaffUser | str,
                   address: str | None = None, now: datetime | None = None) -> Inspection:
    """Add an inspection (flushed, with its audit event); the caller commits."""
    details, rows = check_details(session, details)
    inspection = Inspection(code=details.code or new_code(session, details), **_values(details, rows))
    session.add(inspection)
    session.flush()
    audit.record(session, "inspection.add", actor=actor, subject=inspection, address=address, at=now,
                 detail=describe(inspection))
    return inspection


def changes_for(inspection: Inspection, details: InspectionDetails, rows: dict) -> dict[str, tuple]:
    before = describe(inspection)
    after = dict(before)
    for key, value in _values(details, rows).items():
        if key in ("programme", "organisation"):
            after[key] = value.code if value is not None else None
        elif isinstance(value, date):
            after[key] = value.isoformat()
        else:
            after[key] = value
    if details.code:
        after["code"] = details.code
    return {key: (before[key], after[key]) for key in before if before[key] != after[key]}


def edit_inspection(session: Session, inspection: Inspection, details: InspectionDetails, *,
                    actor: StaffUser | str, address: str | None = None,
                    now: datetime | None = None) -> dict[str, tuple]:
    """Change an inspection; return (and audit) what changed."""
    details, rows = check_details(session, details, existing=inspection)
    changes = changes_for(inspection, details, rows)
    if not changes:
        return changes
    for key, value in _values(details, rows).items():
        setattr(inspection, key, value)
    if details.code:
        inspection.code = details.code
    session.flush()
    audit.record(session, "inspection.edit", actor=actor, subject=inspection, address=address, at=now,
                 detail={"code": inspection.code, "changes": {k: list(v) for k, v in changes.items()}})
    return changes


def set_closed(session: Session, inspection: Inspection, closed: bool, *, actor: StaffUser | str,
               address: str | None = None, now: datetime | None = None) -> bool:
    """Close collection for an inspection, or open it again; False if it already was so."""
    if (inspection.closed_at is not None) == closed:
        return False
    inspection.closed_at = (now or utcnow()) if closed else None
    audit.record(session, "inspection.close" if closed else "inspection.reopen", actor=actor,
                 subject=inspection, address=address, at=now, detail={"code": inspection.code})
    session.flush()
    return True
