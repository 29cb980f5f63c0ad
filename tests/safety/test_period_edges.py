"""Periods and dates from anywhere in the calendar: a clear refusal outside 2000–2099, never a 500.

Hypothesis draws periods written every way the service reads them (ranges of days, months,
business years, quarters) from the whole of Python's calendar, 0001 to 9999, its ends
included, and sends each to every reader: parse_period, the API, the dashboard's pages, the
CSV export, `feedback results` and the Slack `/feedback` command.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from feedback import create_app
from feedback.results import PeriodError, parse_period
from feedback.results.periods import FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY
from feedback.slack.commands import answer as slack_answer
from tests.conftest import test_config
from tests.helpers.pages import Browser, parse
from tests.test_staff import PASSWORD, sign_in

EDGES = [date.min, date(1, 12, 31), date(1999, 12, 31), FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY,
         date(2100, 1, 1), date(9999, 12, 30), date.max]
days = st.one_of(st.sampled_from(EDGES), st.dates(), st.dates(date(1995, 1, 1), date(2105, 12, 31)),
                 st.dates(FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY))
years = st.one_of(st.sampled_from([0, 1, 1999, 2000, 2099, 2100, 9998, 9999]), st.integers(0, 9999),
                  st.integers(2000, 2098))


@st.composite
def written_periods(draw) -> str:
    form = draw(st.sampled_from(["range", "month", "month:", "year", "quarter"]))
    if form == "range":
        first, last = draw(days), draw(days)
        return f"{first.isoformat()}..{last.isoformat()}"
    year = draw(years)
    if form in ("month", "month:"):
        month = draw(st.integers(0, 13))
        return f"{'month:' if form == 'month:' else ''}{year:04d}-{month:02d}"
    following = draw(st.sampled_from([(year + 1) % 100, draw(st.integers(0, 99))]))
    written = f"{year:04d}-{following:02d}"
    return written if form == "year" else f"{written}-Q{draw(st.integers(0, 5))}"


ENDS = ["2011-04-01..9999-12-31", "0001-01", "0001-01-01..0001-12-31", "9999-12-31..9999-12-31",
        "9999-00", "9998-99-Q4", "0000-01", "2000-01-01..2099-12-31"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.function_scoped_fixture])


def in_range(text: str):
    """The period, if the service supports it; None if it must be refused."""
    try:
        return parse_period(text)
    except PeriodError:
        return None


@settings(max_examples=2000, deadline=None)
@given(written_periods())
def test_every_written_period_is_read_within_the_supported_days_or_refused(text):
    period = in_range(text)
    if period is None:
        return
    assert FIRST_SUPPORTED_DAY <= period.first_day <= period.last_day <= LAST_SUPPORTED_DAY
    # Everything the service works out from a period it accepted works too.
    assert period.start < period.end
    before = period.previous()
    assert before.last_day < period.first_day
    assert period.label and before.label
    assert parse_period(period.code) == period
    assert period.subdivide("quarter")[0].first_day == period.first_day


@pytest.mark.parametrize("text", ENDS)
def test_the_ends_of_the_calendar_are_refused_with_a_reason(text):
    if text == "2000-01-01..2099-12-31":
        assert parse_period(text).previous().first_day == date(1899, 12, 31)
        return
    with pytest.raises(PeriodError, match="outside|out of range|not a period"):
        parse_period(text)


@pytest.fixture
def app(database_url):
    application = create_app(test_config(database_url, RATELIMIT_API="100000 per minute"))
    yield application
    application.extensions["database"].dispose()


@pytest.fixture
def signed_in(client, runner):
    runner.invoke(args=["users", "add", "edges@justice.gov.uk", "--role", "admin", "--password-stdin"],
                  input=PASSWORD + "\n")
    sign_in(Browser(client), "edges@justice.gov.uk")
    return client


def test_every_reader_refuses_what_it_cannot_use_and_never_fails(app, signed_in, runner):
    client = signed_in
    token = runner.invoke(args=["api-tokens", "add", "edges"]).stdout.strip()
    code = "post-inspection-evaluation"
    counts = {"accepted": 0, "refused": 0}

    @SETTINGS
    @given(written_periods())
    @example("2011-04-01..9999-12-31")
    @example("0001-01")
    @example("0001-01-01..0001-12-31")
    @example("9999-12-31..9999-12-31")
    def check(text):
        period = in_range(text)
        counts["accepted" if period else "refused"] += 1
        api = client.get("/api/v1/results", query_string={"questionnaire": code, "period": text},
                         headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == (200 if period else 400), (text, api.status_code)
        if period is None:
            assert api.json["error"] == "Bad Request" and api.json["message"]
        exported = client.get(f"/staff/results/{code}/export.csv", query_string={"period": text})
        assert exported.status_code == (200 if period else 400), (text, exported.status_code)
        for path in ("/staff/", f"/staff/results/{code}", f"/staff/results/{code}/comments",
                     f"/staff/results/{code}/by/region"):
            response = client.get(path, query_string={"period": text})
            assert response.status_code == 200, (path, text, response.status_code)
            errors = parse(response).error_summary()
            if period is None:
                assert errors and errors[0][0].startswith("Enter a period from 2000 to 2099"), (path, text)
            else:
                assert not errors, (path, text, errors)
        result = runner.invoke(args=["results", "--questionnaire", code, "--period", text])
        assert (result.exit_code == 0) == (period is not None), (text, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        with app.app_context():
            from feedback.db import db_session

            reply = slack_answer(db_session(), f"{code} {text}", "en", "http://localhost",
                                 datetime(2026, 12, 3, 12, tzinfo=timezone.utc))
            assert reply.text

    check()
    assert counts["accepted"] >= 5 and counts["refused"] >= 10, counts
