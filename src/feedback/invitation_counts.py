"""Counts of named invitations and of their responses, kept as they change, for response rates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from .clock import as_utc
from .models import Invitation, InvitationCount

UK_ZONE = "Europe/London"


def uk_day(moment: datetime) -> date:
    from zoneinfo import ZoneInfo

    return as_utc(moment).astimezone(ZoneInfo(UK_ZONE)).date()


def add(session: Session, invitation: Invitation, invited: int = 0, completed: int = 0) -> None:
    """Add to the counts of the invitation's inspection, questionnaire and day (in its transaction)."""
    if invitation.mode != "single" or not (invited or completed):
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = InvitationCount.__table__
    statement = insert(table).values(
        inspection_id=invitation.inspection_id, questionnaire_id=invitation.questionnaire_id,
        day=uk_day(invitation.created_at), invited=invited, completed=completed,
    )
    session.execute(statement.on_conflict_do_update(
        index_elements=["inspection_id", "questionnaire_id", "day"],
        set_={"invited": table.c.invited + statement.excluded.invited,
              "completed": table.c.completed + statement.excluded.completed},
    ))
