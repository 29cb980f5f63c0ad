"""Reporting periods: business years (April to March), quarters, months and date ranges.

Every boundary is midnight in UK local time (Europe/London), converted to UTC, because
responses are stored with UTC timestamps and the inspectorate's year starts on 1 April in
England and Wales, not in Greenwich. Periods are half-open: start <= moment < end.

Written forms `parse_period` reads:

    2011-12, 2011–12, 2011/12      business year 1 April 2011 to 31 March 2012
    2011-12-Q1, 2011–12 Q1          quarter of a business year (Q1 = April to June)
    2011-06                         calendar month
    month:2011-12                   calendar month, where "2011-12" would mean the year
    2011-04-01..2011-06-30          any range of whole days, both days included
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")

Kind = Literal["year", "quarter", "month", "range"]

_YEAR = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{2})[\s\-]*Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(?:month:)?(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


# English labels; a Welsh page formats first_day with Babel instead.
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


class PeriodError(ValueError):
    """A period written in a form this module does not read, or outside what it supports."""


# The days a period written by anyone (dashboard, API, commands, Slack) may cover. Periods
# made from them (the one before, the parts of one) may reach a century either side, and no
# further, so that every date the service works out stays far inside Python's calendar.
FIRST_SUPPORTED_DAY = date(2000, 1, 1)
LAST_SUPPORTED_DAY = date(2099, 12, 31)
_EARLIEST_DAY = date(1800, 1, 1)
_LATEST_DAY = date(2299, 12, 31)
SUPPORTED = f"periods from {FIRST_SUPPORTED_DAY.year} to {LAST_SUPPORTED_DAY.year}"


def uk_midnight(day: date) -> datetime:
    """Return the UTC instant at which `day` begins in the UK."""
    return datetime.combine(day, time(0), tzinfo=UK).astimezone(timezone.utc)


def business_year_of(day: date) -> int:
    """Return the first calendar year of the business year `day` falls in (2011 for 2011–12)."""
    return day.year if day.month >= 4 else day.year - 1


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A span of whole UK days, from `first_day` to `last_day` inclusive."""

    kind: Kind
    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise PeriodError(f"{self.first_day} is after {self.last_day}")
        if self.first_day < _EARLIEST_DAY or self.last_day > _LATEST_DAY:
            raise PeriodError(f"{self.first_day}..{self.last_day} is outside {SUPPORTED}")

    # Constructors -------------------------------------------------------------------------

    @classmethod
    def business_year(cls, first_year: int) -> Period:
        return cls("year", date(first_year, 4, 1), date(first_year + 1, 3, 31))

    @classmethod
    def quarter(cls, first_year: int, number: int) -> Period:
        if not 1 <= number <= 4:
            raise PeriodError(f"no quarter {number}")
        first = _add_months(date(first_year, 4, 1), 3 * (number - 1))
        return cls("quarter", first, _add_months(first, 3) - timedelta(days=1))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise PeriodError(f"no month {month}")
        first = date(year, month, 1)
        return cls("month", first, _add_months(first, 1) - timedelta(days=1))

    @classmethod
    def days(cls, first_day: date, last_day: date) -> Period:
        return cls("range", first_day, last_day)

    # What a period is -----------------------------------------------------------------------

    @property
    def start(self) -> datetime:
        """The first instant of the period, in UTC."""
        return uk_midnight(self.first_day)

    @property
    def end(self) -> datetime:
        """The first instant after the period, in UTC (the period is half-open)."""
        return uk_midnight(self.last_day + timedelta(days=1))

    @property
    def day_count(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def _first_year(self) -> int:
        return business_year_of(self.first_day)

    @property
    def quarter_number(self) -> int | None:
        if self.kind != "quarter":
            return None
        return (self.first_day.month - 4) % 12 // 3 + 1

    @property
    def label(self) -> str:
        """The period as people write it: "2011–12" (en dash), "2011–12 Q1", "June 2011"."""
        if self.kind == "year":
            return f"{self._first_year}–{(self._first_year + 1) % 100:02d}"
        if self.kind == "quarter":
            return f"{self._first_year}–{(self._first_year + 1) % 100:02d} Q{self.quarter_number}"
        if self.kind == "month":
            return f"{_MONTH_NAMES[self.first_day.month - 1]} {self.first_day.year}"
        return f"{self.first_day.isoformat()} to {self.last_day.isoformat()}"

    @property
    def code(self) -> str:
        """The period in a plain-ASCII form `parse_period` reads back to the same period."""
        if self.kind == "year":
            return f"{self._first_year}-{(self._first_year + 1) % 100:02d}"
        if self.kind == "quarter":
            return f"{self._first_year}-{(self._first_year + 1) % 100:02d}-Q{self.quarter_number}"
        if self.kind == "month":
            plain = f"{self.first_day:%Y-%m}"
            # December 2011 written "2011-12" would read as the business year 2011–12.
            return f"month:{plain}" if _YEAR.match(plain) and _is_year(plain) else plain
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    def contains(self, moment: datetime) -> bool:
        if moment.tzinfo is None:
            raise ValueError("compare aware datetimes only: stored times are UTC")
        return self.start <= moment < self.end

    def previous(self) -> Period:
        """Return the period of the same kind and length immediately before this one.

        A business year, quarter or month steps back by one of itself (so a month's previous
        month may be a day shorter); a range steps back by its own number of days.
        """
        if self.kind == "year":
            return Period.business_year(self._first_year - 1)
        if self.kind == "quarter":
            number = self.quarter_number
            if number == 1:
                return Period.quarter(self._first_year - 1, 4)
            return Period.quarter(self._first_year, number - 1)
        if self.kind == "month":
            first = _add_months(self.first_day, -1)
            return Period.month(first.year, first.month)
        last = self.first_day - timedelta(days=1)
        return Period.days(last - timedelta(days=self.day_count - 1), last)

    def subdivide(self, grain: Literal["quarter", "month"]) -> list[Period]:
        """Return the quarters or months that overlap this period, cut to fit within it."""
        if grain not in ("quarter", "month"):
            raise PeriodError(f"cannot divide a period by {grain!r}")
        step = 3 if grain == "quarter" else 1
        first_of_month = self.first_day.replace(day=1)
        # Quarters of the business year start in April, July, October and January.
        part_first = _add_months(first_of_month, -((first_of_month.month - 4) % step))
        parts = []
        while part_first <= self.last_day:
            part_last = _add_months(part_first, step) - timedelta(days=1)
            first, last = max(part_first, self.first_day), min(part_last, self.last_day)
            whole = (first, last) == (part_first, part_last)
            parts.append(Period(grain if whole else "range", first, last))
            part_first = _add_months(part_first, step)
        return parts

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "label": self.label,
            "kind": self.kind,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def _is_year(text: str) -> bool:
    match = _YEAR.match(text)
    return bool(match) and int(match.group(2)) == (int(match.group(1)) + 1) % 100


def parse_period(text: str) -> Period:
    """Read a period as people write it; raise PeriodError for anything else, or for a period
    outside FIRST_SUPPORTED_DAY..LAST_SUPPORTED_DAY."""
    period = _read_period(text)
    if period.first_day < FIRST_SUPPORTED_DAY or period.last_day > LAST_SUPPORTED_DAY:
        raise PeriodError(f"{text!r} is outside what the service reports: choose {SUPPORTED}")
    return period


def _read_period(text: str) -> Period:
    if not isinstance(text, str):
        raise PeriodError("a period is written as text")
    if len(text) > 100:
        raise PeriodError("a period is written in fewer than 100 characters")
    written = text.strip()
    try:
        match = _QUARTER.match(written)
        if match and int(match.group(2)) == (int(match.group(1)) + 1) % 100:
            return Period.quarter(int(match.group(1)), int(match.group(3)))
        if not written.startswith("month:") and _is_year(written):
            return Period.business_year(int(_YEAR.match(written).group(1)))
        match = _MONTH.match(written)
        if match:
            return Period.month(int(match.group(1)), int(match.group(2)))
        match = _RANGE.match(written)
        if match:
            return Period.days(date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2)))
    except (ValueError, OverflowError) as error:  # an impossible date such as 2011-02-30
        raise PeriodError(f"{text!r} is not a period: {error}") from None
    raise PeriodError(
        f"{text!r} is not a period: write a business year (2011-12), a quarter (2011-12-Q1), "
        "a month (2011-06) or a range of days (2011-04-01..2011-06-30)"
    )
