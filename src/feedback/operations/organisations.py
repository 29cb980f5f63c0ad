"""Organisations: list and search, add, change, retire (history and results are kept)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..clock import utcnow
from ..models import LANGUAGE_PREFERENCES, ORGANISATION_KINDS, Organisation, StaffUser
from . import InputProblems
from .reference import ensure_reference_data, region_by_code

KIND_NAMES = {
    "probation_trust": _l("Probation trust"),
    "yot": _l("Youth offending team"),
    "prison": _l("Prison"),
    "other": _l("Other"),
}
LANGUAGE_NAMES = {
    "en": _l("English"),
    "cy": _l("Welsh"),
    "both": _l("Welsh and English (Welsh first)"),
}
WALES = "wales"
MAX_NAME = 200
MAX_CODE = 80
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class OrganisationDetails:
    """What staff give for an organisation. An empty language means the usual one for its region."""

    name: str
    name_cy: str = ""
    kind: str = ""
    region: str = ""
    language: str = ""
    code: str = ""

    def cleaned(self) -> "OrganisationDetails":
        values = {f.name: " ".join(str(getattr(self, f.name) or "").split()) for f in fields(self)}
        values["kind"] = values["kind"].lower()
        values["region"] = values["region"].lower()
        values["language"] = values["language"].lower()
        values["code"] = values["code"].lower()
        return OrganisationDetails(**values)


def usual_language(region_code: str) -> str:
    """Organisations in Wales hear from the service in Welsh and English, Welsh first."""
    return "both" if region_code == WALES else "en"


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))[:MAX_CODE - 4] or "organisation"


def check_details(session: Session, details: OrganisationDetails, existing: Organisation | None = None) -> OrganisationDetails:
    """Return the details cleaned and complete, or raise InputProblems saying what to correct."""
    ensure_reference_data(session)
    details = details.cleaned()
    problems: dict[str, object] = {}
    if not details.name:
        problems["name"] = _l("Enter the organisation's name in English")
    elif len(details.name) > MAX_NAME:
        problems["name"] = _l("The name must be 200 characters or fewer")
    if len(details.name_cy) > MAX_NAME:
        problems["name_cy"] = _l("The Welsh name must be 200 characters or fewer")
    if details.kind not in ORGANISATION_KINDS:
        problems["kind"] = _l("Select the kind of organisation")
    if region_by_code(session, details.region) is None:
        problems["region"] = _l("Select the organisation's region")
    if details.language and details.language not in LANGUAGE_PREFERENCES:
        problems["language"] = _l("Select English, Welsh, or Welsh and English")
    if details.code:
        if len(details.code) > MAX_CODE or not _CODE.match(details.code):
            problems["code"] = _l("A code has only lower-case letters, numbers and hyphens, like yot-cardiff")
        else:
            clash = find_organisation(session, details.code)
            if clash is not None and clash is not existing:
                problems["code"] = _l("Another organisation has this code")
    if problems:
        raise InputProblems(problems)
    if not details.language:
        details = replace(details, language=usual_language(details.region))
    return details


def find_organisation(session: Session, code: str) -> Organisation | None:
    return session.scalars(select(Organisation).where(Organisation.code == code.strip().lower())).first()


def list_organisations(session: Session, search: str = "", include_retired: bool = False,
                       region: str = "", kind: str = "") -> list[Organisation]:
    """Organisations by name, matching a search of their names and code."""
    query = select(Organisation).order_by(func.lower(Organisation.name))
    if not include_retired:
        query = query.where(Organisation.retired_at.is_(None))
    if region:
        query = query.where(Organisation.region_code == region)
    if kind:
        query = query.where(Organisation.kind == kind)
    search = search.strip()[:100]
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            Organisation.name.ilike(pattern, escape="\\")
            | Organisation.name_cy.ilike(pattern, escape="\\")
            | Organisation.code.ilike(pattern, escape="\\")
        )
    return list(session.scalars(query))


def _unique_code(session: Session, name: str) -> str:
    base = slug(name)
    code, n = base, 1
    while find_organisation(session, code) is not None:
        n += 1
        code = f"{base}-{n}"
    return code


def _values(details: OrganisationDetails) -> dict:
    return {
        "name": details.name,
        "name_cy": details.name_cy or None,
        "kind": details.kind,
        "region_code": details.region,
        "in_wales": details.region == WALES,
        "language_preference": details.language,
    }


def add_organisation(session: Session, details: OrganisationDetails, *, actor: StaffUser | str,
                     address: str | None = None, now: datetime | None = None) -> Organisation:
    """Add an organisation (flushed, with its audit event); the caller commits."""
    details = check_details(session, details)
    organisation = Organisation(code=details.code or _unique_code(session, details.name), **_values(details))
    session.add(organisation)
    session.flush()
    audit.record(session, "organisation.add", actor=actor, subject=organisation, address=address, at=now,
                 detail={"code": organisation.code, "name": organisation.name})
    return organisation


def describe(organisation: Organisation) -> dict:
    return {
        "code": organisation.code,
        "name": organisation.name,
        "name_cy": organisation.name_cy,
        "kind": organisation.kind,
        "region_code": organisation.region_code,
        "in_wales": organisation.in_wales,
        "language_preference": organisation.language_preference,
    }


def changes_for(organisation: Organisation, details: OrganisationDetails) -> dict[str, tuple]:
    """What would change, field by field, as (before, after)."""
    after = _values(details)
    if details.code:
        after["code"] = details.code
    before = describe(organisation)
    return {key: (before[key], value) for key, value in after.items() if before[key] != value}


def edit_organisation(session: Session, organisation: Organisation, details: OrganisationDetails, *,
                      actor: StaffUser | str, address: str | None = None,
                      now: datetime | None = None) -> dict[str, tuple]:
    """Change an organisation; return (and audit) what changed. Nothing is recorded if nothing did."""
    details = check_details(session, details, existing=organisation)
    changes = changes_for(organisation, details)
    if not changes:
        return changes
    for key, (_before, after) in changes.items():
        setattr(organisation, key, after)
    session.flush()
    audit.record(session, "organisation.edit", actor=actor, subject=organisation, address=address, at=now,
                 detail={"code": organisation.code, "changes": {k: list(v) for k, v in changes.items()}})
    return changes


def retire_organisation(session: Session, organisation: Organisation, *, actor: StaffUser | str,
                        address: str | None = None, now: datetime | None = None) -> bool:
    """Retire an organisation: it stays, with its inspections and results, but is no longer offered."""
    if organisation.retired_at is not None:
        return False
    organisation.retired_at = now or utcnow()
    audit.record(session, "organisation.retire", actor=actor, subject=organisation, address=address, at=now,
                 detail={"code": organisation.code})
    session.flush()
    return True


def reinstate_organisation(session: Session, organisation: Organisation, *, actor: StaffUser | str,
                           address: str | None = None, now: datetime | None = None) -> bool:
    if organisation.retired_at is None:
        return False
    organisation.retired_at = None
    audit.record(session, "organisation.reinstate", actor=actor, subject=organisation, address=address, at=now,
                 detail={"code": organisation.code})
    session.flush()
    return True
