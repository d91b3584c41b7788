from datetime import date

import pytest

from salesdesk.org.rules import delegation_problems, employee_problems

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "same_person", "fields"),
    [
        (date(2026, 11, 23), date(2026, 11, 30), False, set()),
        (date(2026, 11, 20), date(2026, 11, 23), False, set()),  # already running, ends today: fine
        (date(2026, 11, 30), date(2026, 11, 23), False, {"ends_on"}),
        (date(2026, 11, 1), date(2026, 11, 22), False, {"ends_on"}),  # over before it starts to matter
        (date(2026, 11, 23), date(2027, 3, 1), False, {"ends_on"}),  # longer than 90 days
        (date(2026, 11, 23), date(2026, 11, 30), True, {"delegate"}),
    ],
)
def test_delegation_rules(starts_on, ends_on, same_person, fields):
    problems = delegation_problems(starts_on=starts_on, ends_on=ends_on, today=TODAY, same_person=same_person)
    assert set(problems) == fields


@pytest.mark.parametrize(
    ("probation_end", "status", "left_on", "fields"),
    [
        (date(2026, 4, 1), "active", None, set()),
        (date(2025, 12, 1), "active", None, {"probation_end"}),
        (None, "left", None, {"left_on"}),
        (None, "active", date(2026, 6, 1), {"left_on"}),
        (None, "left", date(2025, 6, 1), {"left_on"}),
        (None, "left", date(2026, 6, 1), set()),
    ],
)
def test_employee_rules(probation_end, status, left_on, fields):
    problems = employee_problems(
        hire_date=date(2026, 1, 1), probation_end=probation_end, status=status, left_on=left_on
    )
    assert set(problems) == fields
