from datetime import date
from decimal import Decimal as D

import pytest

from salesdesk.receivables import rules


@pytest.mark.parametrize(
    ("issued", "days", "due"),
    [
        (date(2026, 1, 31), 30, date(2026, 3, 2)),
        (date(2026, 1, 1), 0, date(2026, 1, 1)),
        (date(2026, 1, 1), None, date(2026, 1, 31)),
    ],
)
def test_due_date_is_issue_date_plus_net_days(issued, days, due):
    assert rules.due_date(issued, days) == due


def test_invoice_number_is_padded_per_year():
    assert rules.invoice_number(2026, 1) == "FP-2026-000001"


@pytest.mark.parametrize(
    ("exposure", "order", "limit", "allowed"),
    [
        (D("0"), D("100"), D("100"), True),
        (D("1"), D("100"), D("100"), False),
        (D("-100"), D("100"), None, True),  # prepaid: no profile still passes
        (D("0"), D("1"), None, False),  # no profile, no credit
    ],
)
def test_credit_allows_within_limit_only(exposure, order, limit, allowed):
    assert rules.credit_allows(exposure=exposure, order_amount=order, credit_limit=limit) is allowed


def test_equal_instalments_add_up_exactly_and_fall_monthly():
    parts = rules.equal_instalments(D("100.00"), 3, first_due_on=date(2026, 1, 31))
    assert [p.amount for p in parts] == [D("33.34"), D("33.33"), D("33.33")]
    assert sum(p.amount for p in parts) == D("100.00")
    assert [p.due_on for p in parts] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]


def test_collected_fills_instalments_in_plan_order():
    assert rules.collected_per_instalment([D("30"), D("30"), D("40")], D("45")) == [D("30"), D("15"), D("0")]


def test_auto_allocation_settles_oldest_first():
    assert rules.auto_allocation([D("50"), D("80"), D("10")], D("100")) == [D("50"), D("50"), D("0")]
