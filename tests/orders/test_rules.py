"""The contract end-of-life rules, as the sales manager's rulebook states them."""

from datetime import date

import pytest

from salesdesk.orders import rules

TODAY = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("ends_on", "past"),
    [
        (None, False),  # no end date: runs until terminated
        (date(2026, 7, 1), False),
        (date(2026, 6, 30), False),  # its last day is today: still running
        (date(2026, 6, 29), True),
    ],
)
def test_a_term_has_passed_the_day_after_its_last_day(ends_on, past):
    assert rules.past_term(ends_on, TODAY) is past


@pytest.mark.parametrize(
    ("status", "ends_on", "refusal"),
    [
        ("signed", None, None),
        ("signed", date(2026, 6, 30), None),
        ("signed", date(2026, 6, 29), "expired"),  # the nightly expiry has not run yet
        ("expired", date(2026, 6, 1), "expired"),
        ("terminated", date(2027, 1, 1), "terminated"),
        ("approved", None, "not_signed"),
        ("draft", None, "not_signed"),
    ],
)
def test_orders_go_only_under_a_running_signed_contract(status, ends_on, refusal):
    assert rules.order_refusal(status, ends_on, TODAY) == refusal


@pytest.mark.parametrize(
    ("terminated_on", "problem"),
    [
        (date(2026, 6, 30), None),  # today
        (date(2026, 3, 1), None),  # back-dated to when it took effect
        (date(2026, 7, 1), "future"),
        (date(2026, 1, 31), "before_signing"),
        (date(2026, 12, 31), "future"),
    ],
)
def test_a_termination_date_lies_between_signing_and_today(terminated_on, problem):
    assert (
        rules.termination_date_problem(
            terminated_on, signed_on=date(2026, 2, 1), ends_on=date(2026, 12, 31), today=TODAY
        )
        == problem
    )


def test_terminating_on_the_last_day_or_later_is_refused_it_simply_expires():
    signed, ends = date(2025, 1, 1), date(2026, 6, 1)
    assert rules.termination_date_problem(ends, signed_on=signed, ends_on=ends, today=TODAY) == "after_term"
    assert (
        rules.termination_date_problem(date(2026, 5, 31), signed_on=signed, ends_on=ends, today=TODAY) is None
    )
