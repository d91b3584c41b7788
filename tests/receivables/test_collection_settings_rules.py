# ruff: noqa: E501  (rule tables read better unwrapped)
"""The rules of the collection settings as finance would write them down: which bucket sets,
dunning ladders and classification policies are usable, and why not (each reason on its field)."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.receivables import rules_aging as rules

DEFAULT = list(rules.DEFAULT_BUCKETS)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("bounds", "problems"),
    [
        (DEFAULT, []),
        ([(0, D(0)), (None, D(100))], []),
        ([(None, D(100)), (30, D(5)), (0, D(0))], []),  # any order: sorted by bound
        (
            [(30, D(5)), (None, D(100))],
            [("max_days", "The first bucket must be “not yet due” (up to 0 days overdue).")],
        ),
        ([(0, D(0)), (30, D(5))], [("max_days", "Exactly one bucket must be open-ended (no upper bound).")]),
        (
            [(0, D(0)), (30, D(5)), (30, D(9)), (None, D(100))],
            [("max_days", "Bucket bounds must be different numbers of days, 0 or more.")],
        ),
        (
            [(0, D(0)), (30, D(120)), (None, D(100))],
            [("provision_percent", "A provision percentage is between 0 and 100.")],
        ),
        (
            [(0, D(0)), (30, D(10)), (60, D(5)), (None, D(100))],
            [
                (
                    "provision_percent",
                    "An older bucket cannot have a lower provision percentage than a younger one.",
                )
            ],
        ),
        ([(0, D(0)), (30, D(10)), (60, D(10)), (None, D(10))], []),  # equal is not lower
    ],
)
def test_bucket_sets_finance_can_use(bounds, problems):
    assert rules.bucket_field_problems(bounds) == problems
    assert rules.bucket_problems(bounds) == [message for _field, message in problems]


@pytest.mark.parametrize(("max_days", "removable"), [(0, False), (None, False), (30, True), (365, True)])
def test_not_yet_due_and_the_open_ended_bucket_stay(max_days, removable):
    assert (rules.bucket_removal_problem(max_days) is None) is removable


@pytest.mark.parametrize(
    ("steps", "problems"),
    [
        (list(rules.DEFAULT_DUNNING_STEPS), []),
        ([(-3, "rep"), (1, "rep"), (15, "supervisor")], []),
        ([(30, "legal"), (5, "rep")], []),  # given in any order
        ([], [("days_overdue", "The dunning ladder needs at least one step.")]),
        (
            [(15, "rep"), (15, "manager")],
            [("days_overdue", "Give each step of the ladder a different number of days.")],
        ),
        (
            [(-400, "rep")],
            [("days_overdue", "A step fires at most 365 days before the due date and 36500 days after it.")],
        ),
        ([(5, "boss")], [("notify", "Choose who each step notifies.")]),
        (
            [(15, "manager"), (30, "supervisor")],
            [
                (
                    "notify",
                    "A later step cannot notify someone lower in the line than an earlier step (rep → supervisor → manager → director → legal).",
                )
            ],
        ),
        (
            [(1, "rep"), (60, "legal"), (90, "director")],
            [
                (
                    "notify",
                    "A later step cannot notify someone lower in the line than an earlier step (rep → supervisor → manager → director → legal).",
                )
            ],
        ),
    ],
)
def test_dunning_ladders_go_up_the_line(steps, problems):
    assert rules.ladder_problems(steps) == problems


@pytest.mark.parametrize(
    ("doubtful", "bad", "field"),
    [
        (180, 365, None),
        (1, 2, None),
        (0, 365, "doubtful_after_days"),
        (365, 365, "bad_after_days"),
        (400, 365, "bad_after_days"),
    ],
)
def test_bad_debt_starts_after_doubtful_debt(doubtful, bad, field):
    problems = rules.policy_problems(doubtful, bad)
    assert [f for f, _message in problems] == ([field] if field else [])


def test_problems_are_refused_with_each_reason_on_its_field():
    rules.refuse([])  # nothing to refuse
    with pytest.raises(BusinessRuleViolation) as refused:
        rules.refuse([("max_days", "A."), ("provision_percent", "B."), ("max_days", "C.")])
    assert refused.value.message == "A. B. C."
    assert refused.value.details["fields"] == {"max_days": "A. C.", "provision_percent": "B."}
