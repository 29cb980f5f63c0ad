"""Response rates by programme, region and period: responses over named invitations.

The rate is over invitations, so it says how many answered, never what anyone answered; the
count of responses it shows still goes through the one suppression function, at the
threshold staff see that questionnaire's figures at.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import questionnaires
from ..models import (
    Inspection,
    InvitationCount,
    Organisation,
    Programme,
    Questionnaire,
    Region,
)
from ..results.periods import Period
from ..results.suppression import hidden_groups, threshold_for
from .tracking import Rate, rate

GROUPINGS = ("programme", "region")


@dataclass(frozen=True)
class RateRow:
    questionnaire: str
    key: str | None  # programme or region code; None for the total
    name: str
    name_cy: str
    rate: Rate


def response_rates(session: Session, period: Period, by: str | None = None, programme: str | None = None,
                   region: str | None = None) -> list[RateRow]:
    """Each questionnaire's response rate over the named invitations made in `period` (and by group).

    Read from invitation_counts, so it stays fast at millions of invitations and keeps past
    periods after the retention policy has deleted their invitations.

    `programme` and `region` (codes) narrow the invitations to those inspections.
    """
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"group by one of {GROUPINGS}")
    conditions = [InvitationCount.day >= period.first_day, InvitationCount.day <= period.last_day]
    if programme:
        conditions.append(InvitationCount.inspection_id.in_(
            select(Inspection.id).join(Programme, Inspection.programme_id == Programme.id)
            .where(Programme.code == programme)))
    if region:
        conditions.append(InvitationCount.inspection_id.in_(
            select(Inspection.id).join(Organisation, Inspection.organisation_id == Organisation.id)
            .where(Organisation.region_code == region)))
    columns = [Questionnaire.code, func.sum(InvitationCount.invited), func.sum(InvitationCount.completed)]
    query = (select().select_from(InvitationCount)
             .join(Questionnaire, InvitationCount.questionnaire_id == Questionnaire.id))
    if by == "programme":
        columns += [Programme.code, Programme.name, Programme.name_cy]
        query = (query.join(Inspection, InvitationCount.inspection_id == Inspection.id)
                 .join(Programme, Inspection.programme_id == Programme.id))
        group = [Questionnaire.code, Programme.code, Programme.name, Programme.name_cy]
    elif by == "region":
        columns += [Region.code, Region.name, Region.name_cy]
        query = (query.join(Inspection, InvitationCount.inspection_id == Inspection.id)
                 .join(Organisation, Inspection.organisation_id == Organisation.id)
                 .join(Region, Organisation.region_code == Region.code))
        group = [Questionnaire.code, Region.code, Region.name, Region.name_cy]
    else:
        group = [Questionnaire.code]
    rows = [r for r in session.execute(query.add_columns(*columns).where(*conditions).group_by(*group)
                                       .order_by(*group)).all() if r[1]]
    by_questionnaire: dict[str, list] = {}
    for row in rows:
        by_questionnaire.setdefault(row[0], []).append(row)
    result: list[RateRow] = []
    for code, group_rows in by_questionnaire.items():
        definition = questionnaires.get(code)
        threshold = threshold_for(definition, "staff")
        hidden = hidden_groups({r[3] if by else None: int(r[2]) for r in group_rows}, threshold)
        for r in group_rows:
            key = r[3] if by else None
            figure = rate(int(r[2]), int(r[1]), threshold)
            if key in hidden and not figure.suppressed:
                figure = Rate(figure.completed, figure.invited, None, True)
            result.append(RateRow(code, key, r[4] if by else "", r[5] if by else "", figure))
    return result
