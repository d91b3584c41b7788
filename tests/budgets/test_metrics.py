# ruff: noqa: E501  (test tables read better unwrapped)
"""The budgets metrics (expense_amount, expense_ratio, budget_usage), each equal to an independent
computation over rows made here with the ORM — by employee, unit (subtree roll-up) and customer,
for a year, a month and a week, within the caller's scope — in a constant number of queries."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesdesk.budgets.models import Expense
from salesdesk.core import periods
from salesdesk.metrics import selectors
from salesdesk.orders.models import Contract
from salesdesk.org.models import Employee
from tests.budgets import factories as f

CENT = Decimal("0.01")
APPROVED = ("approved", "paid")
_numbers = count(1)


def _pct(part, whole):
    return (
        None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)
    )


def _roll_up(by_path: dict) -> dict:
    units = defaultdict(lambda: defaultdict(Decimal))
    for path, parts in by_path.items():
        for unit_id in [int(x) for x in path.strip("/").split("/")] if path else [None]:
            for name, value in parts.items():
                units[unit_id][name] += value
    return units


def _expense(person, cat, amount, on, status, *, customer=None, line=None):
    employee = Employee.objects.get(user=person)
    return Expense.objects.create(
        company_id=employee.company_id, number=f"M-{next(_numbers)}", spender=person, unit_id=employee.unit_id,
        category=cat, amount=Decimal(amount), incurred_on=on, description="x", status=status, customer=customer,
        budget_line=line, paid_on=on if status == "paid" else None,
    )  # fmt: skip


def _contract(owner, buyer, amount, signed_on, status="signed"):
    return Contract.objects.create(
        company_id=buyer.company_id, number=f"HT-B{next(_numbers)}", title="x", customer=buyer, owner=owner,
        status=status, amount=Decimal(amount), signed_on=signed_on,
    )  # fmt: skip


@pytest.fixture
def ledger(org):
    travel, dinner = f.category(org.company), f.entertainment(org.company)
    team = f.budget(org.units.e1, travel, "24000.00", mode="warn", by=org.director)
    region = f.budget(org.units.east, dinner, "12000.00", mode="warn", by=org.director)
    north = f.budget(org.units.n1, travel, "6000.00", mode="warn", by=org.director)
    lines = {(b.pk, line.month): line for b in (team, region, north) for line in b.lines.all()}
    people = [org.rep, org.teammate, org.rep_e2, org.other_rep, org.supervisor]
    statuses = ["approved", "paid", "submitted", "rejected", "draft", "approved", "paid"]
    for n, person in enumerate(people):
        buyer = f.customer(person)
        for k in range(9):
            on = date(2025, 12, 20) + timedelta(days=41 * k + 3 * n)
            cat = dinner if k % 3 == 0 else travel
            employee = Employee.objects.select_related("unit").get(user=person)
            charge_to = (region if cat == dinner and employee.unit.path.startswith(org.units.east.path) else
                         team if cat == travel and employee.unit_id == org.units.e1.pk else
                         north if cat == travel and employee.unit_id == org.units.n1.pk else None)  # fmt: skip
            line = lines.get((charge_to.pk, on.replace(day=1))) if charge_to else None
            _expense(person, cat, f"{100 + 37 * k + n}.50", on, statuses[(k + n) % len(statuses)],
                     customer=buyer if k % 2 else None, line=line)  # fmt: skip
        _contract(person, buyer, 20000 + 1000 * n, date(2026, 3, 1 + n))
        _contract(person, buyer, 7000, date(2026, 11, 10 + n))
        _contract(person, buyer, 999, date(2026, 6, 1), status="draft")
    return org


def _paths():
    return {e.user_id: e.unit.path for e in Employee.objects.select_related("unit")}


def expected(metric: str, by: str, period: periods.Period) -> dict:
    paths = _paths()
    parts = defaultdict(lambda: defaultdict(Decimal))
    if metric == "budget_usage":
        from salesdesk.budgets.models import BudgetLine

        for line in BudgetLine.objects.select_related("budget__unit"):
            if line.month > period.end or line.month < period.start.replace(day=1):
                continue
            group = parts[line.budget.unit.path]
            group["budget"] += line.amount
            group["used"] += sum(
                (e.amount for e in Expense.objects.filter(budget_line=line) if e.status in APPROVED),
                Decimal(0),
            )
        return {k: _pct(p["used"], p["budget"]) for k, p in _roll_up(parts).items()}
    for e in Expense.objects.select_related("unit"):
        if e.status in APPROVED and e.incurred_on in period:
            key = {"employee": e.spender_id, "unit": e.unit.path, "customer": e.customer_id}[by]
            parts[key]["expenses"] += e.amount
    if metric == "expense_ratio":
        for c in Contract.objects.all():
            if c.status == "signed" and c.signed_on in period:
                key = {"employee": c.owner_id, "unit": paths[c.owner_id], "customer": c.customer_id}[by]
                parts[key]["revenue"] += c.amount
    if by == "unit":
        parts = _roll_up(parts)
    if metric == "expense_amount":
        return {k: p["expenses"].quantize(CENT) for k, p in parts.items()}
    return {k: _pct(p["expenses"], p["revenue"]) for k, p in parts.items()}


COMBINATIONS = [
    ("expense_amount", "employee"), ("expense_amount", "unit"), ("expense_amount", "customer"),
    ("expense_ratio", "employee"), ("expense_ratio", "unit"), ("expense_ratio", "customer"),
    ("budget_usage", "unit"),
]  # fmt: skip


@pytest.mark.parametrize("period", ["2026", "2026-11", "2026Q1", "2026-W46"])
@pytest.mark.parametrize(("metric", "by"), COMBINATIONS)
def test_metric_equals_an_independent_computation(ledger, metric, by, period):
    got = {
        row.key: row.value for row in selectors.compute(metric, by=by, period=period, company=ledger.company)
    }
    assert got == expected(metric, by, periods.parse(period))


def test_the_figures_are_not_empty(ledger):
    """The ledger exercises every figure (a check on the test data, not the code)."""
    for metric, by in COMBINATIONS:
        rows = selectors.compute(metric, by=by, period="2026", company=ledger.company)
        assert any(row.value for row in rows), (metric, by)


def test_units_include_their_subtree(ledger):
    org = ledger
    by_unit = {r.key: r.value for r in selectors.compute("expense_amount", by="unit", period="2026")}
    by_person = {r.key: r.value for r in selectors.compute("expense_amount", by="employee", period="2026")}
    assert (
        by_unit[org.units.e1.pk]
        == by_person[org.rep.pk] + by_person[org.teammate.pk] + by_person[org.supervisor.pk]
    )
    assert by_unit[org.units.hq.pk] == sum(by_person.values())


def test_scope_rep_sees_own_supervisor_team_finance_all(ledger):
    org = ledger

    def keys(user):
        return {r.key for r in selectors.compute("expense_amount", by="employee", period="2026", user=user)}

    assert keys(org.rep) == {org.rep.pk}
    assert keys(org.supervisor) == {org.rep.pk, org.teammate.pk, org.supervisor.pk}
    assert keys(org.manager) == {org.rep.pk, org.teammate.pk, org.rep_e2.pk, org.supervisor.pk}
    assert keys(org.finance) == {
        org.rep.pk,
        org.teammate.pk,
        org.rep_e2.pk,
        org.other_rep.pk,
        org.supervisor.pk,
    }
    assert keys(org.other_rep) == {org.other_rep.pk}
    usage = {r.key for r in selectors.compute("budget_usage", by="unit", period="2026", user=org.rep)}
    assert org.units.n1.pk not in usage and org.units.e1.pk in usage


def _queries(metric, by, user) -> int:
    with CaptureQueriesContext(connection) as context:
        selectors.compute(metric, by=by, period="2026", user=user)
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_rows(ledger):
    org = ledger
    manager = org.manager.__class__.objects.get(pk=org.manager.pk)
    _queries("expense_amount", "employee", manager)  # the profile loads once per request
    before = {combo: (_queries(*combo, None), _queries(*combo, manager)) for combo in COMBINATIONS}
    travel = f.category(org.company)
    for n in range(20):
        buyer = f.customer(org.teammate)
        _expense(org.teammate, travel, "10.00", date(2026, 4, 1 + n), "approved", customer=buyer)
        _contract(org.teammate, buyer, 500, date(2026, 4, 2 + n))
    after = {combo: (_queries(*combo, None), _queries(*combo, manager)) for combo in COMBINATIONS}
    assert after == before
    assert max(q for pair in after.values() for q in pair) <= 2
