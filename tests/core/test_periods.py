import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesdesk.core.periods import Granularity, InvalidPeriod, children, parse, period_of


@pytest.mark.parametrize(
    ("key", "fiscal_start", "start", "end"),
    [
        ("2026", 1, date(2026, 1, 1), date(2026, 12, 31)),
        ("2026", 4, date(2026, 4, 1), date(2027, 3, 31)),
        ("2026Q1", 1, date(2026, 1, 1), date(2026, 3, 31)),
        ("2026Q3", 1, date(2026, 7, 1), date(2026, 9, 30)),
        ("2026Q4", 4, date(2027, 1, 1), date(2027, 3, 31)),
        ("2026Q1", 10, date(2026, 10, 1), date(2026, 12, 31)),
        ("2028-02", 1, date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-W31", 1, date(2026, 7, 27), date(2026, 8, 2)),
        ("2026-W01", 1, date(2025, 12, 29), date(2026, 1, 4)),  # ISO week 1 starts in the old year
        ("2020-W53", 1, date(2020, 12, 28), date(2021, 1, 3)),
    ],
)
def test_period_keys(key, fiscal_start, start, end):
    period = parse(key, fiscal_start_month=fiscal_start)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "key", ["26", "2026Q5", "2026-13", "2026-W54", "2026-W00", "2026q1", "", "2026-7", "2021-W53"]
)
def test_malformed_keys_are_refused(key):
    with pytest.raises(InvalidPeriod):
        parse(key)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(
    day=days,
    fiscal_start=st.integers(min_value=1, max_value=12),
    granularity=st.sampled_from(list(Granularity)),
)
def test_every_day_lies_in_the_period_computed_for_it(day, fiscal_start, granularity):
    period = period_of(day, granularity, fiscal_start_month=fiscal_start)
    assert day in period
    assert parse(period.key, fiscal_start_month=fiscal_start) == period


@given(year=st.integers(min_value=2000, max_value=2099), fiscal_start=st.integers(min_value=1, max_value=12))
def test_quarters_and_months_tile_the_fiscal_year_without_gaps(year, fiscal_start):
    fiscal_year = parse(str(year), fiscal_start_month=fiscal_start)
    for granularity, count in ((Granularity.QUARTER, 4), (Granularity.MONTH, 12)):
        parts = children(fiscal_year, granularity, fiscal_start_month=fiscal_start)
        assert len(parts) == count
        assert parts[0].start == fiscal_year.start and parts[-1].end == fiscal_year.end
        for earlier, later in itertools.pairwise(parts):
            assert later.start == earlier.end + timedelta(days=1)
