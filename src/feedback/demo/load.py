"""Load the demo organisations and inspections of the 2011–12 annual report."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Inspection, Organisation, Programme, Region
from . import catalogue


@dataclass(frozen=True)
class ProgrammeInfo:
    code: str
    name: str
    name_cy: str
    sector: str


PROGRAMMES = (
    ProgrammeInfo("OMI2", "Offender Management Inspection 2 (OMI 2)",
                  "Arolygiad Rheoli Troseddwyr 2 (OMI 2)", "adult"),
    ProgrammeInfo("CCI", "Core Case Inspection (CCI)", "Arolygiad Achosion Craidd (CCI)", "youth"),
    ProgrammeInfo("POMI", "Prison Offender Management Inspection (POMI)",
                  "Arolygiad Rheoli Troseddwyr mewn Carchardai (POMI)", "prison"),
    ProgrammeInfo("THEMATIC", "Joint thematic inspection", "Arolygiad thematig ar y cyd", "joint"),
    ProgrammeInfo("FJI", "Full Joint Inspection (FJI)", "Arolygiad Llawn ar y Cyd (FJI)", "youth"),
    ProgrammeInfo("SQS", "Short Quality Screening (SQS)", "Sgrinio Ansawdd Byr (SQS)", "youth"),
    ProgrammeInfo("ADULT", "Inspection of adult offending work",
                  "Arolygiad o waith gydag oedolion sy'n troseddu", "adult"),
)


def is_loaded(session: Session) -> bool:
    return (session.execute(select(func.count()).select_from(Inspection)).scalar_one() or 0) > 0


def load_catalogue(session: Session) -> dict[str, int]:
    """Insert what is missing of the catalogue, by code; running it twice changes nothing."""
    added = {"regions": 0, "programmes": 0, "organisations": 0, "inspections": 0}
    regions = {r.code for r in session.scalars(select(Region))}
    for region in catalogue.REGIONS:
        if region.code not in regions:
            session.add(Region(code=region.code, name=region.name, name_cy=region.name_cy))
            added["regions"] += 1
    programmes = {p.code: p for p in session.scalars(select(Programme))}
    for info in PROGRAMMES:
        if info.code not in programmes:
            programmes[info.code] = Programme(
                code=info.code, name=info.name, name_cy=info.name_cy, sector=info.sector
            )
            session.add(programmes[info.code])
            added["programmes"] += 1
    organisations = {o.code: o for o in session.scalars(select(Organisation))}
    for org in catalogue.ORGANISATIONS:
        if org.code not in organisations:
            organisations[org.code] = Organisation(
                code=org.code,
                name=org.name,
                name_cy=org.name_cy,
                kind=org.kind,
                region_code=org.region,
                in_wales=org.in_wales,
                language_preference=org.language,
            )
            session.add(organisations[org.code])
            added["organisations"] += 1
    session.flush()
    inspections = set(session.scalars(select(Inspection.code)))
    for item in catalogue.INSPECTIONS:
        if item.code not in inspections:
            session.add(
                Inspection(
                    code=item.code,
                    organisation=organisations.get(item.organisation) if item.organisation else None,
                    programme=programmes[item.programme],
                    title=item.title,
                    title_cy=item.title_cy,
                    fieldwork_start=item.fieldwork_start,
                    fieldwork_end=item.fieldwork_end,
                    published_on=item.published,
                )
            )
            added["inspections"] += 1
    session.flush()
    return added
