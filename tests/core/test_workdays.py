from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesdesk.core.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 10, 1), False),  # 国庆节
        (date(2025, 9, 28), True),  # Sunday, a 调休 make-up workday before 国庆
        (date(2025, 10, 11), True),  # Saturday, a make-up workday after 国庆
        (date(2025, 1, 29), False),  # 春节
        (date(2025, 1, 26), True),  # Sunday, make-up workday for 春节
        (date(2025, 3, 5), True),  # an ordinary Wednesday
        (date(2025, 3, 8), False),  # an ordinary Saturday
    ],
)
def test_chinese_calendar(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Complaint raised the day before 国庆: two working days later is after the holiday week.
        (date(2025, 9, 30), 2, date(2025, 10, 10)),
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Friday + 1 → the make-up Sunday
        (date(2025, 3, 7), 1, date(2025, 3, 10)),  # Friday + 1 → Monday
        (date(2025, 3, 10), -1, date(2025, 3, 7)),
        (date(2025, 3, 8), 0, date(2025, 3, 8)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_years_beyond_the_published_calendar_fall_back_to_weekends():
    assert is_working_day(date(2099, 6, 1)) is True  # a Monday
    assert is_working_day(date(2099, 6, 6)) is False  # a Saturday


starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))


@given(start=starts, days=st.integers(min_value=1, max_value=60))
def test_adding_n_working_days_passes_exactly_n_working_days(start, days):
    end = add_working_days(start, days)
    assert is_working_day(end)
    assert working_days_between(start + timedelta(days=1), end) == days


@given(start=starts, days=st.integers(min_value=1, max_value=60))
def test_going_back_undoes_going_forward(start, days):
    end = add_working_days(start, days)
    back = add_working_days(end, -days)
    assert (back <= start and working_days_between(back + timedelta(days=1), start) == 0) or back == start
