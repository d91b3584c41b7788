"""Period keys over a configurable fiscal year.

Keys: ``2026`` (fiscal year), ``2026Q3`` (fiscal quarter), ``2026-07`` (calendar month),
``2026-W31`` (ISO week). A fiscal year is named after the calendar year it starts in: with a
fiscal year starting in April, ``2026`` runs from 2026-04-01 to 2027-03-31 and ``2026Q1`` is
April–June 2026. Months and weeks are calendar months and ISO weeks whatever the fiscal year.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_WEEK = re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")


class Granularity(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"


class InvalidPeriod(ValueError):
    pass


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    key: str
    granularity: Granularity

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def parse(key: str, *, fiscal_start_month: int = 1) -> Period:
    key = key.strip()
    if match := _YEAR.match(key):
        year = int(match[1])
        start = date(year, fiscal_start_month, 1)
        end_year, end_month = _add_months(year, fiscal_start_month, 12)
        return Period(start, date(end_year, end_month, 1) - timedelta(days=1), key, Granularity.YEAR)
    if match := _QUARTER.match(key):
        year, quarter = int(match[1]), int(match[2])
        start_year, start_month = _add_months(year, fiscal_start_month, 3 * (quarter - 1))
        end_year, end_month = _add_months(start_year, start_month, 3)
        start = date(start_year, start_month, 1)
        return Period(start, date(end_year, end_month, 1) - timedelta(days=1), key, Granularity.QUARTER)
    if match := _MONTH.match(key):
        year, month = int(match[1]), int(match[2])
        end_year, end_month = _add_months(year, month, 1)
        return Period(
            date(year, month, 1), date(end_year, end_month, 1) - timedelta(days=1), key, Granularity.MONTH
        )
    if match := _WEEK.match(key):
        year, week = int(match[1]), int(match[2])
        try:
            start = date.fromisocalendar(year, week, 1)
        except ValueError as exc:
            raise InvalidPeriod(f"{key!r}: year {year} has no week {week}") from exc
        return Period(start, start + timedelta(days=6), key, Granularity.WEEK)
    raise InvalidPeriod(f"{key!r} is not a period key (2026, 2026Q3, 2026-07 or 2026-W31)")


def fiscal_year_of(day: date, *, fiscal_start_month: int = 1) -> int:
    return day.year if day.month >= fiscal_start_month else day.year - 1


def period_of(day: date, granularity: Granularity, *, fiscal_start_month: int = 1) -> Period:
    if granularity is Granularity.WEEK:
        iso = day.isocalendar()
        return parse(f"{iso.year}-W{iso.week:02d}")
    if granularity is Granularity.MONTH:
        return parse(f"{day.year}-{day.month:02d}")
    fiscal_year = fiscal_year_of(day, fiscal_start_month=fiscal_start_month)
    if granularity is Granularity.YEAR:
        return parse(str(fiscal_year), fiscal_start_month=fiscal_start_month)
    months_in = (day.year * 12 + day.month) - (fiscal_year * 12 + fiscal_start_month)
    return parse(f"{fiscal_year}Q{months_in // 3 + 1}", fiscal_start_month=fiscal_start_month)


def children(period: Period, granularity: Granularity, *, fiscal_start_month: int = 1) -> list[Period]:
    """The quarters of a year, or the months of a year or quarter, in order."""
    if granularity is Granularity.QUARTER and period.granularity is Granularity.YEAR:
        return [parse(f"{period.key}Q{q}", fiscal_start_month=fiscal_start_month) for q in range(1, 5)]
    if granularity is Granularity.MONTH and period.granularity in (Granularity.YEAR, Granularity.QUARTER):
        months = []
        year, month = period.start.year, period.start.month
        while date(year, month, 1) <= period.end:
            months.append(parse(f"{year}-{month:02d}"))
            year, month = _add_months(year, month, 1)
        return months
    raise InvalidPeriod(f"a {period.granularity} does not split into {granularity}s")
