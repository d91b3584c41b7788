"""The Chinese working-day calendar: public holidays and 调休 make-up workdays.

The holiday tables come from the ``chinesecalendar`` package, which follows the State Council's
yearly announcements. For a year it does not know yet, weekends are the only days off: better a
deadline a holiday too early than a crash.
"""

from datetime import date, timedelta

import chinese_calendar


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (before it when negative); 0 → start itself."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days in the closed range [start, end]; 0 when end is before start."""
    count = 0
    current = start
    while current <= end:
        count += is_working_day(current)
        current += timedelta(days=1)
    return count
