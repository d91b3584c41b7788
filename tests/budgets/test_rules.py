"""The budgets rulebook, read like the sales manager's own: who signs an expense off, how a year
splits into months, when a budget refuses. No database."""

from datetime import date
from decimal import Decimal as D

import pytest

from salesdesk.budgets import rules
from salesdesk.budgets.rules import Candidate

LIMITS = {"supervisor": D("5000"), "manager": D("20000")}


@pytest.mark.parametrize(
    ("spender", "amount", "roles"),
    [
        ("rep", "800", ["supervisor"]),
        ("rep", "5000", ["supervisor"]),  # the limit itself is within it
        ("rep", "5000.01", ["supervisor", "manager"]),
        ("rep", "20000", ["supervisor", "manager"]),
        ("rep", "20000.01", ["supervisor", "manager", "director"]),
        ("supervisor", "100", ["manager"]),  # nobody approves their own: the next rung up
        ("supervisor", "25000", ["manager", "director"]),
        ("manager", "100", ["director"]),
        ("manager", "999999", ["director"]),  # the director has no limit
        ("director", "100", ["finance"]),  # 总监的费用由财务审核
    ],
)
def test_an_expense_goes_up_the_ladder_to_the_first_rung_whose_limit_covers_it(spender, amount, roles):
    assert rules.approval_roles(D(amount), spender, LIMITS) == roles


def test_finance_and_admins_do_not_file_expenses():
    with pytest.raises(ValueError):
        rules.approval_roles(D("10"), "finance", LIMITS)


LINE = [Candidate(2, "supervisor"), Candidate(3, "manager"), Candidate(4, "director")]


@pytest.mark.parametrize(
    ("roles", "line", "routed"),
    [
        (["supervisor"], LINE, [("supervisor", 2)]),
        (["supervisor", "manager", "director"], LINE, [("supervisor", 2), ("manager", 3), ("director", 4)]),
        # no supervisor above the rep: the manager takes that step, and the two merge into one
        (["supervisor", "manager"], [Candidate(3, "manager"), Candidate(4, "director")], [("manager", 3)]),
        (["finance"], [], [("finance", None)]),
    ],
)
def test_steps_go_to_the_nearest_person_of_that_rung_or_higher(roles, line, routed):
    assert rules.route_steps(roles, line) == routed


def test_a_step_nobody_above_can_take_names_the_rung():
    with pytest.raises(ValueError, match="manager"):
        rules.route_steps(["supervisor", "manager"], [Candidate(2, "supervisor")])


@pytest.mark.parametrize(
    ("approver", "step", "allowed"),
    [
        ("supervisor", "supervisor", True),
        ("manager", "supervisor", True),
        ("director", "manager", True),
        ("supervisor", "manager", False),
        ("rep", "supervisor", False),
        ("finance", "supervisor", False),
        ("finance", "finance", True),
        ("director", "finance", False),
    ],
)
def test_who_may_stand_in_for_a_step(approver, step, allowed):
    assert rules.may_stand_in(approver, step) is allowed


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("draft", "submit", "submitted"),
        ("rejected", "submit", "submitted"),
        ("submitted", "withdraw", "draft"),
        ("submitted", "approve", "approved"),
        ("submitted", "reject", "rejected"),
        ("approved", "pay", "paid"),
        ("draft", "approve", None),
        ("approved", "submit", None),
        ("paid", "withdraw", None),
        ("rejected", "pay", None),
    ],
)
def test_expense_transitions(status, action, after):
    assert rules.next_status(status, action) == after


def test_a_year_splits_evenly_into_twelve_months_that_add_up():
    months = rules.month_amounts(D("10000.00"))
    assert sum(months) == D("10000.00") and len(months) == 12
    assert months.count(D("833.34")) == 4 and months.count(D("833.33")) == 8


def test_a_year_splits_by_seasonality_with_largest_remainder():
    weights = [D(w) for w in ["0.5", "0.5", "1", "1", "1", "1", "1", "1", "1", "1", "1.5", "1.5"]]
    months = rules.month_amounts(D("1000.01"), weights)
    assert sum(months) == D("1000.01")
    assert months[0] == months[1] and months[-1] > months[5] > months[0]


def test_a_template_needs_twelve_weights():
    with pytest.raises(ValueError):
        rules.month_amounts(D("100"), [D(1)] * 11)


@pytest.mark.parametrize(
    ("amount", "used", "budget", "over", "after", "excess"),
    [
        ("300", "4000", "5000", False, "4300", "0.00"),
        ("1000", "4000", "5000", False, "5000", "0.00"),  # spending the last yuan is fine
        ("1000.01", "4000", "5000", True, "5000.01", "0.01"),
        ("10", "0", "0", True, "10", "10"),  # a zero month refuses everything
    ],
)
def test_a_charge_is_over_when_it_would_take_the_month_past_its_budget(
    amount, used, budget, over, after, excess
):
    check = rules.check_budget(amount=D(amount), used_before=D(used), budget=D(budget))
    assert check.over is over and check.after == D(after) and check.excess == D(excess)


def test_usage_in_percent():
    assert rules.Usage(amount=D("4000"), used=D("3000")).percent == D("75.0")
    assert rules.Usage(amount=D("4000"), used=D("3000")).remaining == D("1000")
    assert rules.Usage(amount=D("0"), used=D("10")).percent is None


@pytest.mark.parametrize(
    ("amount", "text"),
    [("1234.5", "¥1,234.50"), ("0", "¥0.00"), ("-12", "-¥12.00"), ("1000000", "¥1,000,000.00")],
)
def test_money_reads_with_yuan_sign_and_thousands(amount, text):
    assert rules.format_money(D(amount)) == text


def test_an_expense_is_not_dated_in_the_future():
    today = date(2026, 11, 20)
    assert rules.incurred_problem(date(2026, 11, 21), today) == "future"
    assert rules.incurred_problem(today, today) is None


@pytest.mark.parametrize(("size", "problem"), [(0, "empty"), (10, None), (21, "too_large")])
def test_attachment_sizes(size, problem):
    assert rules.attachment_problem(size, 20) == problem
