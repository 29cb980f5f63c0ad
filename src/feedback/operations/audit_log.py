"""Read the audit log: filter by action, member of staff and dates, a page at a time, or as CSV."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterator

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..clock import as_utc
from ..models import AuditEvent
from ..results.periods import uk_midnight

CSV_HEADER = ("When (UTC)", "Who", "Action", "Subject type", "Subject", "Detail", "From address")


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""  # an email address, or "command line" / "worker"
    date_from: date | None = None  # UK days, both included
    date_to: date | None = None


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _conditions(filters: AuditFilters) -> list:
    conditions = []
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.actor:
        conditions.append(func.lower(AuditEvent.actor) == filters.actor.strip().lower())
    if filters.date_from:
        conditions.append(AuditEvent.at >= uk_midnight(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEvent.at < uk_midnight(filters.date_to + timedelta(days=1)))
    return conditions


def find_events(session: Session, filters: AuditFilters, page: int = 1, per_page: int = 50) -> AuditPage:
    """Events matching the filters, newest first."""
    conditions = _conditions(filters)
    total = session.execute(select(func.count()).select_from(AuditEvent).where(*conditions)).scalar_one()
    page = max(1, page)
    events = session.scalars(
        select(AuditEvent).where(*conditions).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return AuditPage(list(events), total, page, per_page)


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def actors(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor)))


def csv_rows(session: Session, filters: AuditFilters, batch: int = 1000) -> Iterator[tuple]:
    """The events as CSV cells, oldest first, read in batches so any number stays in little memory."""
    conditions = _conditions(filters)
    last_id = 0
    while True:
        events = session.scalars(
            select(AuditEvent).where(*conditions, AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not events:
            return
        for event in events:
            at = as_utc(event.at).astimezone(timezone.utc)
            yield (at.strftime("%Y-%m-%d %H:%M:%S"), event.actor, event.action, event.subject_type or "",
                   event.subject_id or "", json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
                   event.address or "")
        last_id = events[-1].id
        session.expunge_all()


def purge_events(session: Session, older_than: datetime) -> int:
    """Delete audit events older than a moment (the retention policy); return how many."""
    return session.execute(
        delete(AuditEvent).where(AuditEvent.at < older_than).execution_options(synchronize_session=False)
    ).rowcount
