"""The regions and inspection programmes every organisation and inspection refers to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Programme, Region


def ensure_reference_data(session: Session) -> None:
    """Add any missing region or programme of the catalogue, so a fresh service can be used.

    Adds nothing that is there already (by code), so it is safe to call on every change.
    """
    from ..demo.catalogue import REGIONS
    from ..demo.load import PROGRAMMES

    regions = set(session.scalars(select(Region.code)))
    for region in REGIONS:
        if region.code not in regions:
            session.add(Region(code=region.code, name=region.name, name_cy=region.name_cy))
    programmes = set(session.scalars(select(Programme.code)))
    for info in PROGRAMMES:
        if info.code not in programmes:
            session.add(Programme(code=info.code, name=info.name, name_cy=info.name_cy, sector=info.sector))
    session.flush()


def regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.name)))


def programmes(session: Session) -> list[Programme]:
    return list(session.scalars(select(Programme).order_by(Programme.name)))


def region_by_code(session: Session, code: str) -> Region | None:
    return session.get(Region, code.strip().lower()) if code else None


def programme_by_code(session: Session, code: str) -> Programme | None:
    if not code:
        return None
    return session.scalars(select(Programme).where(Programme.code == code.strip().upper())).first()
