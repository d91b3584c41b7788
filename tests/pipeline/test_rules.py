from datetime import date
from decimal import Decimal

import pytest

from salesdesk.pipeline import rules


@pytest.mark.parametrize(
    ("reps", "last", "expected"),
    [
        ([3, 5, 9], None, 3),  # no history: the first rep of the team
        ([3, 5, 9], 3, 5),  # the one after the last recipient
        ([3, 5, 9], 5, 9),
        ([3, 5, 9], 9, 3),  # wraps around
        ([9, 3, 5], 3, 5),  # the order is by id, whatever order they come in
        ([3, 5, 9], 4, 5),  # the last recipient left the team: the next id after theirs
        ([3, 5, 9], 12, 3),
        ([7], 7, 7),  # a team of one always gets it
        ([], 3, None),  # nobody to give it to
    ],
)
def test_round_robin_gives_the_lead_to_the_rep_after_the_last_recipient(reps, last, expected):
    assert rules.next_round_robin(reps, last) == expected


TODAY = date(2026, 7, 15)


@pytest.mark.parametrize(
    ("outcome", "stage_probability", "expected"),
    [
        ("won", 100, rules.Closing(100, TODAY)),
        ("won", 90, rules.Closing(100, TODAY)),  # won is always 100 %
        ("lost", 0, rules.Closing(0, TODAY)),
        ("open", 40, rules.Closing(40, None)),  # reopening clears the close date
    ],
)
def test_moving_sets_probability_and_close_date(outcome, stage_probability, expected):
    assert (
        rules.closing_on_move(outcome=outcome, stage_probability=stage_probability, today=TODAY) == expected
    )


@pytest.mark.parametrize(
    ("percents", "people", "problem"),
    [
        ([Decimal(100)], [1], False),
        ([Decimal(60), Decimal(40)], [1, 2], False),
        ([Decimal("33.33"), Decimal("33.33"), Decimal("33.34")], [1, 2, 3], False),
        ([], [], False),  # no rows: the owner gets all the credit
        ([Decimal(60), Decimal(30)], [1, 2], True),  # 90 %: credit would be lost
        ([Decimal(60), Decimal(50)], [1, 2], True),  # 110 %: counted twice
        ([Decimal("33.33"), Decimal("33.33"), Decimal("33.33")], [1, 2, 3], True),  # 99.99 is not 100
        ([Decimal(50), Decimal(50)], [1, 1], True),  # the same person twice
        ([Decimal(100), Decimal(0)], [1, 2], True),  # an empty share
    ],
)
def test_credit_splits_must_add_up_to_exactly_100(percents, people, problem):
    assert bool(rules.credit_split_problems(percents, people=people)) is problem


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (date(2026, 7, 15), 12, date(2025, 7, 15)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),  # leap day → the end of February
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 10), 1, date(2025, 12, 10)),
    ],
)
def test_months_back(today, months, expected):
    assert rules.months_back(today, months) == expected


@pytest.mark.parametrize(
    ("first_won", "last_won", "open_deal", "expected"),
    [
        (None, None, False, "prospect"),  # never won
        (None, None, True, "prospect"),  # an open deal alone does not make a customer
        (date(2026, 1, 5), date(2026, 1, 5), False, "new"),  # first win within 12 months
        (date(2025, 7, 16), date(2025, 7, 16), False, "new"),  # the first day inside the window
        (date(2025, 7, 15), date(2025, 7, 15), False, "churned"),  # exactly 12 months ago: outside
        (date(2023, 5, 1), date(2026, 2, 1), False, "existing"),  # old customer, won again this year
        (date(2023, 5, 1), date(2024, 2, 1), True, "existing"),  # no recent win but an open deal
        (date(2023, 5, 1), date(2024, 2, 1), False, "churned"),  # nothing for 12+ months
    ],
)
def test_lifecycle_from_wins_and_open_deals(first_won, last_won, open_deal, expected):
    assert (
        rules.lifecycle(first_won_on=first_won, last_won_on=last_won, has_open_deal=open_deal, today=TODAY)
        == expected
    )


@pytest.mark.parametrize(
    ("quantity", "price", "amount"),
    [(Decimal(2), Decimal("99.99"), Decimal("199.98")), (Decimal("0.5"), Decimal("0.03"), Decimal("0.02"))],
)
def test_line_amount_is_rounded_to_cents(quantity, price, amount):
    assert rules.line_amount(quantity, price) == amount
