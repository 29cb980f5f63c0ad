"""The demo catalogue agrees with HMI Probation's 2011–12 annual report and holds together."""

from collections import Counter
from datetime import date

import pytest

from feedback.demo.catalogue import (
    INSPECTIONS,
    ORGANISATIONS,
    REGIONS,
    organisation_by_code,
)

YEAR_START, YEAR_END = date(2011, 4, 1), date(2012, 3, 31)
PROGRAMMES = {"OMI2", "CCI", "POMI", "THEMATIC", "FJI", "SQS"}


def published_in_year(programme):
    return [
        i for i in INSPECTIONS
        if i.programme == programme and i.published and YEAR_START <= i.published <= YEAR_END
    ]


def fieldwork_in_year(programme):
    return [
        i for i in INSPECTIONS
        if i.programme == programme
        and YEAR_START <= i.fieldwork_start and i.fieldwork_end <= YEAR_END
    ]


def test_appendix_d_counts():
    assert len(published_in_year("OMI2")) == 9
    assert len(published_in_year("CCI")) == 51
    assert len(published_in_year("THEMATIC")) == 7
    # ¶1: "publication of 67 inspection reports"
    published = [i for i in INSPECTIONS if i.published and YEAR_START <= i.published <= YEAR_END]
    assert len(published) == 67


def test_appendix_d_reinspections():
    codes = {i.code for i in published_in_year("CCI") if i.code.endswith("-reinspection")}
    assert codes == {"cci-2011-hartlepool-reinspection", "cci-2011-bournemouth-poole-reinspection"}


def test_inspections_carried_out_in_2011_12_match_chapters_2_and_3():
    omi2 = Counter(organisation_by_code(i.organisation).region for i in fieldwork_in_year("OMI2"))
    # ¶2.2 and the chapter 2 table: 11 Trusts in the North-West, London, North-East, West Midlands
    assert omi2 == {"north_west": 5, "london": 1, "north_east": 2, "west_midlands": 3}
    cci = fieldwork_in_year("CCI")
    first = Counter(
        organisation_by_code(i.organisation).region
        for i in cci if not i.code.endswith("-reinspection")
    )
    # ¶3.1: 53 inspections, South-East (5), London (30), East of England (10), East Midlands (8)
    assert first == {"south_east": 5, "london": 30, "east_of_england": 10, "east_midlands": 8}
    # ¶3.20: one reinspection, in North Lincolnshire
    assert [i.code for i in cci if i.code.endswith("-reinspection")] == [
        "cci-2011-north-lincolnshire-reinspection"
    ]


def test_no_prison_is_invented():
    assert not [o for o in ORGANISATIONS if o.kind == "prison"]
    assert not [i for i in INSPECTIONS if i.programme == "POMI"]


@pytest.mark.parametrize("items", [REGIONS, ORGANISATIONS, INSPECTIONS], ids=["r", "o", "i"])
def test_codes_unique(items):
    codes = [item.code for item in items]
    assert len(codes) == len(set(codes))


def test_every_organisation_is_in_a_known_region():
    regions = {r.code for r in REGIONS}
    for organisation in ORGANISATIONS:
        assert organisation.region in regions, organisation.code
        assert organisation.kind in {"probation_trust", "yot", "prison"}
        assert organisation.in_wales == (organisation.region == "wales")
        if organisation.in_wales:
            assert organisation.language in {"cy", "both"} and organisation.name_cy
        else:
            assert organisation.language == "en" and organisation.name_cy is None


def test_every_inspection_names_a_known_organisation():
    for inspection in INSPECTIONS:
        assert inspection.programme in PROGRAMMES
        if inspection.programme == "THEMATIC":
            assert inspection.organisation is None and inspection.title
        else:
            assert organisation_by_code(inspection.organisation)
            assert inspection.title is None


def test_dates_are_ordered():
    for inspection in INSPECTIONS:
        assert inspection.fieldwork_start <= inspection.fieldwork_end, inspection.code
        if inspection.published is not None:
            assert inspection.fieldwork_end < inspection.published, inspection.code
            assert inspection.published.day == 1, inspection.code


def test_wales_is_represented_bilingually():
    welsh = [o for o in ORGANISATIONS if o.in_wales and o.language == "both"]
    assert {o.code for o in welsh} >= {"trust-wales", "yot-cardiff", "yot-swansea"}
    trust = organisation_by_code("trust-wales")
    assert (trust.name, trust.name_cy) == ("Wales Probation Trust", "Ymddiriedolaeth Prawf Cymru")
    wales = [i for i in INSPECTIONS if i.organisation == "trust-wales"]
    assert [(i.programme, i.published) for i in wales] == [("OMI2", None)]
    assert wales[0].fieldwork_start.month == 6 and wales[0].fieldwork_end.month == 7


def test_organisation_by_code_rejects_unknown_codes():
    with pytest.raises(KeyError):
        organisation_by_code("yot-atlantis")
