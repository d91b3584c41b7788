"""Budget and expense reads: usage per budget and month, who sees which budget and expense, the
approvals inbox, the weekly cost analysis — in a constant number of queries."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesdesk.budgets import selectors, services
from salesdesk.core import periods
from salesdesk.org.models import Delegation, Employee
from tests.budgets import factories as f


@pytest.fixture
def travel(org):
    return f.category(org.company)


@pytest.fixture
def budgets(org, travel):
    return {
        "e1": f.budget(org.units.e1, travel, "12000.00", by=org.director),
        "east": f.budget(org.units.east, travel, "60000.00", by=org.director),
        "e2": f.budget(org.units.e2, travel, "6000.00", by=org.director),
        "n1": f.budget(org.units.n1, travel, "6000.00", by=org.director),
    }


def _ids(rows):
    return {row.pk for row in rows}


def test_budgets_show_what_is_approved_pending_and_left(org, travel, budgets):
    approved = f.approve(f.expense(org.rep, travel, "300.00", submit=True), org.supervisor)
    f.expense(org.teammate, travel, "200.00", submit=True)
    f.expense(org.rep, travel, "50.00")  # a draft uses nothing
    assert approved.status == "approved"
    row = selectors.budget_list(org.director).get(pk=budgets["e1"].pk)
    assert (row.approved, row.pending, row.used, row.remaining) == (
        D("300.00"),
        D("200.00"),
        D("500.00"),
        D("11500.00"),
    )
    november = selectors.budget_lines(budgets["e1"]).get(month=date(2026, 11, 1))
    assert (november.amount, november.approved, november.pending, november.remaining) == (
        D("1000.00"),
        D("300.00"),
        D("200.00"),
        D("500.00"),
    )


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("rep", {"e1", "east"}),  # their unit's and the one above that pays when theirs has none
        ("supervisor", {"e1", "east"}),
        ("manager", {"e1", "east", "e2"}),
        ("manager_n", {"n1"}),
        ("director", {"e1", "east", "e2", "n1"}),
        ("finance", {"e1", "east", "e2", "n1"}),
        ("outsider", set()),
    ],
)
def test_who_sees_which_budget(org, budgets, viewer, sees):
    assert _ids(selectors.budget_list(getattr(org, viewer))) == {budgets[k].pk for k in sees}


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("rep", {"rep"}),
        ("teammate", {"teammate"}),
        ("supervisor", {"rep", "teammate"}),
        ("manager", {"rep", "teammate", "rep_e2"}),
        ("other_rep", {"other_rep"}),
        ("director", {"rep", "teammate", "rep_e2", "other_rep"}),
        ("finance", {"rep", "teammate", "rep_e2", "other_rep"}),
        ("outsider", set()),
    ],
)
def test_who_sees_which_expense(org, travel, viewer, sees):
    made = {
        name: f.expense(getattr(org, name), travel) for name in ("rep", "teammate", "rep_e2", "other_rep")
    }
    assert _ids(selectors.expense_list(getattr(org, viewer))) == {made[name].pk for name in sees}


def test_expense_filters(org, travel):
    dinner = f.entertainment(org.company)
    taxi = f.expense(org.rep, travel, "30.00", text="Taxi to Wuxi")
    meal = f.expense(org.rep, dinner, "300.00", on=date(2026, 10, 3), submit=True, text="Dinner")
    filters = selectors.ExpenseFilters
    assert _ids(selectors.expense_list(org.rep, filters(q="wuxi"))) == {taxi.pk}
    assert _ids(selectors.expense_list(org.rep, filters(status="submitted"))) == {meal.pk}
    assert _ids(selectors.expense_list(org.rep, filters(category=travel.pk))) == {taxi.pk}
    assert _ids(selectors.expense_list(org.rep, filters(incurred_until=date(2026, 10, 31)))) == {meal.pk}
    assert _ids(selectors.expense_list(org.director, filters(unit=org.units.north.pk))) == set()


def test_the_inbox_lists_what_waits_for_each_person(org, travel):
    small = f.expense(org.rep, travel, "300.00", submit=True)
    large = f.expense(org.rep, travel, "8000.00", submit=True)
    own = f.expense(org.supervisor, travel, "100.00", submit=True)
    boss = f.expense(org.director, travel, "100.00", submit=True)
    assert _ids(selectors.approval_inbox(org.supervisor)) == {small.pk, large.pk}
    assert _ids(selectors.approval_inbox(org.manager)) == {own.pk}
    assert _ids(selectors.approval_inbox(org.finance)) == {boss.pk}
    assert _ids(selectors.approval_inbox(org.supervisor_e2)) == set()
    f.approve(large, org.supervisor)
    assert _ids(selectors.approval_inbox(org.supervisor)) == {small.pk}
    assert _ids(selectors.approval_inbox(org.manager)) == {own.pk, large.pk}


def test_the_inbox_follows_a_delegation(org, travel):
    expense = f.expense(org.rep, travel, "300.00", submit=True)
    supervisor, stand_in = (
        Employee.objects.get(user=org.supervisor),
        Employee.objects.get(user=org.supervisor_e2),
    )
    Delegation.objects.create(
        delegator=supervisor,
        delegate=stand_in,
        granted_by=Employee.objects.get(user=org.manager),
        starts_on=date(2000, 1, 1),
        ends_on=date(2100, 1, 1),
        reason="leave",
    )
    delegate = org.supervisor_e2.__class__.objects.get(pk=org.supervisor_e2.pk)
    assert _ids(selectors.approval_inbox(delegate)) == {expense.pk}
    assert f.approve(expense, delegate).status == "approved"


def test_usage_of_the_months_in_a_period(org, travel, budgets):
    f.expense(org.rep, travel, "300.00", submit=True)
    rows = selectors.line_usage(org.rep, period=periods.parse("2026Q4"))
    assert {(row.budget_id, row.month_key) for row in rows} == {
        (budgets[key].pk, month) for key in ("e1", "east") for month in ("2026-10", "2026-11", "2026-12")
    }
    november = next(r for r in rows if r.budget_id == budgets["e1"].pk and r.month_key == "2026-11")
    assert november.pending == D("300.00")


def test_weekly_costs_by_unit(org, travel):
    from tests.budgets.test_metrics import _contract

    f.approve(f.expense(org.rep, travel, "300.00", on=date(2026, 11, 10), submit=True), org.supervisor)
    f.approve(f.expense(org.rep_e2, travel, "100.00", on=date(2026, 11, 3), submit=True), org.supervisor_e2)
    _contract(org.rep, f.customer(org.rep), 3000, date(2026, 11, 11))
    weeks = selectors.week_periods("2026-W47", 3)
    assert [w.key for w in weeks] == ["2026-W45", "2026-W46", "2026-W47"]
    costs = selectors.weekly_costs(org.director, unit=org.units.east, weeks=weeks)
    rows = {row.unit.code: row for row in costs.rows}
    assert [row.unit.code for row in costs.rows] == ["EAST", "E1", "E2"]
    assert [c.expenses for c in rows["EAST"].cells] == [D("100.00"), D("300.00"), D(0)]
    assert rows["E1"].cells[1].ratio == D("10.00") and rows["E2"].cells[0].ratio is None
    assert rows["EAST"].total.expenses == D("400.00")
    chart = costs.chart()
    assert chart["weeks"] == ["2026-W45", "2026-W46", "2026-W47"]
    assert [s["name"] for s in chart["series"]] == ["E1", "E2"] and chart["ratio"] == [None, "10.00", None]
    # a rep's view of the same unit: only what they see
    mine = selectors.weekly_costs(org.rep, unit=org.units.east, weeks=weeks)
    assert [c.expenses for c in mine.rows[0].cells] == [D(0), D("300.00"), D(0)]


def test_cost_units_follow_the_scope(org):
    assert {u.code for u in selectors.cost_units(org.manager)} == {"EAST", "E1", "E2"}
    assert {u.code for u in selectors.cost_units(org.supervisor)} == {"E1"}
    assert selectors.default_cost_unit(org.director).code == "HQ"
    assert selectors.default_cost_unit(org.manager).code == "EAST"


def _count(call) -> int:
    with CaptureQueriesContext(connection) as context:
        list(call())
    return len(context.captured_queries)


def test_lists_take_the_same_queries_for_3_and_30_rows(org, travel, budgets):
    manager = org.manager.__class__.objects.get(pk=org.manager.pk)
    calls = [
        lambda: selectors.budget_list(manager),
        lambda: selectors.budget_lines(budgets["e1"]),
        lambda: selectors.expense_list(manager),
        lambda: selectors.approval_inbox(manager),
        lambda: (
            selectors.weekly_costs(
                manager, unit=org.units.east, weeks=selectors.week_periods("2026-W47", 4)
            ).rows
        ),
    ]
    for _n in range(3):
        f.expense(org.supervisor, travel, "10.00", submit=True)
    list(selectors.budget_list(manager))  # the access profile loads once per request
    small = [_count(call) for call in calls]
    for n in range(27):
        f.expense(org.supervisor, travel, "10.00", submit=True)
        services.create_budget(
            acting_user=org.director,
            unit=org.units.e2,
            category=f.category(org.company, f"C{n}", f"类{n}"),
            fiscal_year=2026,
            amount=D("100"),
        )
    assert [_count(call) for call in calls] == small
    assert len(list(selectors.approval_inbox(manager))) == 30 and selectors.budget_list(manager).count() == 30
