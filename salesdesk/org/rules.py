"""Pure rules about people and delegations (no database, no clock: pass ``today``)."""

from datetime import date

from django.utils.translation import gettext as _

# A delegation covers leave or a temporary gap, not a permanent transfer (that is a reassignment).
MAX_DELEGATION_DAYS = 90


def delegation_problems(*, starts_on: date, ends_on: date, today: date, same_person: bool) -> dict[str, str]:
    """Field → reason for every problem with a proposed delegation; empty when it is acceptable."""
    problems: dict[str, str] = {}
    if same_person:
        problems["delegate"] = _("Work cannot be handed to the same person.")
    if ends_on < starts_on:
        problems["ends_on"] = _("The end date is before the start date.")
    elif (ends_on - starts_on).days + 1 > MAX_DELEGATION_DAYS:
        problems["ends_on"] = _("A delegation lasts at most %(days)d days.") % {"days": MAX_DELEGATION_DAYS}
    if ends_on < today:
        problems["ends_on"] = _("The delegation would already be over.")
    return problems


def employee_problems(
    *, hire_date: date, probation_end: date | None, status: str, left_on: date | None
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if probation_end is not None and probation_end < hire_date:
        problems["probation_end"] = _("Probation cannot end before the hire date.")
    if status == "left" and left_on is None:
        problems["left_on"] = _("Give the date the employee left.")
    if status != "left" and left_on is not None:
        problems["left_on"] = _("Only an employee who has left has a leaving date.")
    if left_on is not None and left_on < hire_date:
        problems["left_on"] = _("The leaving date is before the hire date.")
    return problems
