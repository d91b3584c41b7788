"""The customer rulebook, as tables."""

from datetime import date
from decimal import Decimal as D

import pytest

from salesdesk.customers import rules


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("ABC 科技有限公司", "abc科技有限公司", True),  # case and spaces
        ("ＡＢＣ科技（上海）", "ABC科技(上海)", True),  # full-width letters and brackets
        ("Acme  Ltd", "acme ltd", True),
        ("Acme Ltd", "Acme Ltd.", False),  # punctuation is part of the name
        ("东方电气", "东方电器", False),
    ],
)
def test_names_that_differ_only_in_case_spaces_or_width_are_the_same(a, b, same):
    assert (rules.name_key(a) == rules.name_key(b)) is same


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # One customer with 80 of 100: A; the one that crosses 70 % is still A (it is needed to get there).
        ({1: D(80), 2: D(15), 3: D(5)}, {1: "A", 2: "B", 3: "C"}),
        # 50 + 30 = 80 % crosses 70: both A; the next starts at 80 < 90: B; then 95 ≥ 90: C.
        ({1: D(50), 2: D(30), 3: D(15), 4: D(5)}, {1: "A", 2: "A", 3: "B", 4: "C"}),
        # Equal values: the lower id ranks first.
        ({7: D(10), 3: D(10), 5: D(10), 9: D(10)}, {3: "A", 5: "A", 7: "A", 9: "B"}),
        # No value, no class above C.
        ({1: D(0), 2: D(100)}, {1: "C", 2: "A"}),
        ({1: D(0), 2: D(0)}, {1: "C", 2: "C"}),
        ({}, {}),
        # Negative values (returns exceeding sales) count as none.
        ({1: D(-5), 2: D(10)}, {1: "C", 2: "A"}),
    ],
)
def test_abc_classes_follow_the_pareto_cut_offs_70_and_90(values, expected):
    assert rules.value_classes(values, a_share=70, b_share=90) == expected


@pytest.mark.parametrize(
    ("activity", "pool_after", "warn", "today", "returns", "warned", "due"),
    [
        (date(2026, 1, 1), 90, 7, date(2026, 3, 20), date(2026, 4, 1), False, False),
        (date(2026, 1, 1), 90, 7, date(2026, 3, 25), date(2026, 4, 1), True, False),  # 7 days before
        (date(2026, 1, 1), 90, 7, date(2026, 4, 1), date(2026, 4, 1), True, True),  # the day itself
    ],
)
def test_a_customer_returns_to_the_pool_after_its_tiers_days_and_its_owner_is_warned_before(
    activity, pool_after, warn, today, returns, warned, due
):
    assert rules.returns_to_pool_on(activity, pool_after) == returns
    assert (activity <= rules.warning_cutoff(today, pool_after, warn)) is warned
    assert (activity <= rules.pool_cutoff(today, pool_after)) is due


@pytest.mark.parametrize(
    ("activity", "interval", "today", "overdue"),
    [(date(2026, 5, 1), 30, date(2026, 5, 31), 0), (date(2026, 5, 1), 30, date(2026, 6, 5), 5),
     (date(2026, 5, 1), 30, date(2026, 5, 20), -11)],
)  # fmt: skip
def test_days_overdue_count_from_the_last_follow_up_plus_the_tier_interval(
    activity, interval, today, overdue
):
    assert rules.days_overdue(activity, interval, today) == overdue
    assert (activity <= rules.visit_cutoff(today, interval)) is (overdue >= 0)


TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("claims", "former", "pooled_on", "allowed"),
    [
        (49, False, None, True),
        (50, False, None, False),  # the cap: 50 claims in 30 days
        (0, True, date(2026, 6, 1), False),  # the former owner waits 30 days
        (0, True, date(2026, 5, 16), True),  # 30 days later they may again
        (0, False, date(2026, 6, 14), True),  # anyone else at once
    ],
)
def test_claiming_from_the_pool_respects_the_cap_and_the_former_owners_cooldown(
    claims, former, pooled_on, allowed
):
    refusal = rules.claim_refusal(
        claims_in_window=claims,
        cap=50,
        is_former_owner=former,
        pooled_on=pooled_on,
        cooldown_days=30,
        today=TODAY,
    )
    assert (refusal is None) is allowed


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [("planned", "done", True), ("planned", "cancelled", True), ("done", "cancelled", False),
     ("cancelled", "done", False), ("done", "done", False)],
)  # fmt: skip
def test_a_visit_is_planned_then_done_or_cancelled_once(current, target, allowed):
    assert rules.can_move_visit(current, target) is allowed


def test_a_visit_cannot_be_done_in_the_future_nor_plan_the_next_before_it():
    assert rules.completion_problems(planned_on=TODAY, done_on=TODAY, next_on=None, today=TODAY) == {}
    problems = rules.completion_problems(
        planned_on=TODAY, done_on=date(2026, 6, 16), next_on=TODAY, today=TODAY
    )
    assert set(problems) == {"done_on", "next_on"}
