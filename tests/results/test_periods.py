"""Periods: business years run April to March in UK local time, written 2011–12."""

from datetime import date, datetime, timezone
from itertools import pairwise

import pytest

from feedback.results.periods import Period, PeriodError, parse_period

UTC = timezone.utc


@pytest.mark.parametrize("written", ["2011-12", "2011–12", "2011/12", " 2011-12 "])
def test_a_business_year_runs_from_april_to_march_in_uk_time(written):
    year = parse_period(written)
    assert year.kind == "year"
    assert year.label == "2011–12"
    assert year.code == "2011-12"
    assert (year.first_day, year.last_day) == (date(2011, 4, 1), date(2012, 3, 31))
    # 1 April 2011 and 1 April 2012 are both in British Summer Time: midnight is 23:00 UTC.
    assert year.start == datetime(2011, 3, 31, 23, tzinfo=UTC)
    assert year.end == datetime(2012, 3, 31, 23, tzinfo=UTC)
    assert year.start.tzinfo is not None and year.end.utcoffset().total_seconds() == 0


def test_the_boundaries_are_half_open():
    year = parse_period("2011-12")
    assert year.contains(datetime(2011, 3, 31, 23, 0, tzinfo=UTC))  # 00:00 on 1 April in London
    assert not year.contains(datetime(2011, 3, 31, 22, 59, 59, tzinfo=UTC))
    assert year.contains(datetime(2012, 3, 31, 22, 59, 59, tzinfo=UTC))
    assert not year.contains(datetime(2012, 3, 31, 23, 0, tzinfo=UTC))
    with pytest.raises(ValueError):
        year.contains(datetime(2011, 6, 1))


@pytest.mark.parametrize("written, first, last, label", [
    ("2011-12-Q1", date(2011, 4, 1), date(2011, 6, 30), "2011–12 Q1"),
    ("2011–12 Q2", date(2011, 7, 1), date(2011, 9, 30), "2011–12 Q2"),
    ("2011-12-q3", date(2011, 10, 1), date(2011, 12, 31), "2011–12 Q3"),
    ("2011–12-Q4", date(2012, 1, 1), date(2012, 3, 31), "2011–12 Q4"),
])
def test_quarters_start_in_april(written, first, last, label):
    quarter = parse_period(written)
    assert (quarter.kind, quarter.first_day, quarter.last_day, quarter.label) == ("quarter", first, last, label)
    assert parse_period(quarter.code) == quarter


def test_a_winter_quarter_starts_at_midnight_utc():
    assert parse_period("2011-12-Q4").start == datetime(2012, 1, 1, tzinfo=UTC)


def test_months_and_ranges():
    june = parse_period("2011-06")
    assert (june.kind, june.first_day, june.last_day, june.label) == ("month", date(2011, 6, 1), date(2011, 6, 30), "June 2011")
    days = parse_period("2011-04-01..2011-06-30")
    assert (days.kind, days.first_day, days.last_day) == ("range", date(2011, 4, 1), date(2011, 6, 30))
    assert days.end == parse_period("2011-07").start
    assert parse_period(days.code) == days


def test_a_month_that_looks_like_a_business_year_has_an_explicit_form():
    assert parse_period("2011-12").kind == "year"
    december = parse_period("month:2011-12")
    assert (december.kind, december.first_day) == ("month", date(2011, 12, 1))
    assert december.code == "month:2011-12"
    assert parse_period(december.code) == december
    assert parse_period("2026-12").kind == "month"  # 2026–27 is not "2026-12"


@pytest.mark.parametrize("written, previous", [
    ("2011-12", "2010-11"),
    ("2000-01", Period.business_year(1999)),  # before what may be written (2000-2099), yet worked out
    ("2011-12-Q1", "2010-11-Q4"),
    ("2011-12-Q3", "2011-12-Q2"),
    ("2011-06", "2011-05"),
    ("2012-01", "month:2011-12"),
    ("2011-04-01..2011-06-30", "2010-12-31..2011-03-31"),
])
def test_previous_is_the_same_kind_of_period_just_before(written, previous):
    period = parse_period(written)
    before = period.previous()
    assert before == (previous if isinstance(previous, Period) else parse_period(previous))
    assert before.end == period.start
    if period.kind == "range":
        assert before.day_count == period.day_count


def test_a_year_divides_into_quarters_and_months_that_cover_it():
    year = parse_period("2011-12")
    quarters = year.subdivide("quarter")
    assert [q.label for q in quarters] == ["2011–12 Q1", "2011–12 Q2", "2011–12 Q3", "2011–12 Q4"]
    months = year.subdivide("month")
    assert len(months) == 12
    for parts in (quarters, months):
        assert parts[0].start == year.start and parts[-1].end == year.end
        assert all(a.end == b.start for a, b in pairwise(parts))
    cut = parse_period("2011-05-15..2011-07-10").subdivide("quarter")
    assert [(p.kind, p.first_day, p.last_day) for p in cut] == [
        ("range", date(2011, 5, 15), date(2011, 6, 30)),
        ("range", date(2011, 7, 1), date(2011, 7, 10)),
    ]


@pytest.mark.parametrize("written", [
    "2011-13", "2011", "2011-12-Q5", "2011-13-Q1", "2011-00", "2011-02-30..2011-03-01",
    "2011-06-30..2011-04-01", "last year", "", "month:2011-13",
])
def test_anything_else_is_refused(written):
    with pytest.raises(PeriodError):
        parse_period(written)


def test_period_to_dict_is_plain_data():
    data = Period.business_year(2011).to_dict()
    assert data == {
        "code": "2011-12", "label": "2011–12", "kind": "year",
        "first_day": "2011-04-01", "last_day": "2012-03-31",
        "start": "2011-03-31T23:00:00+00:00", "end": "2012-03-31T23:00:00+00:00",
    }
