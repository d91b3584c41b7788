"""compute() against the plain-Python definitions (reference.py) on the same rows, for every
metric and grouping; scope, roll-up, fiscal periods and query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salesdesk.core import periods
from salesdesk.metrics import selectors
from salesdesk.metrics.registry import all_metrics
from salesdesk.org.models import Delegation
from tests.metrics import factories, reference

# The sales metrics; the lead-to-cash ones (metrics/money.py) have their own reference in
# test_money_metrics.py.
COMBINATIONS = [
    (m.name, by)
    for m in all_metrics()
    if m.parts.__module__ not in ("salesdesk.metrics.money", "salesdesk.budgets.metrics")
    for by in m.groupings
]


def _as_dict(rows) -> dict:
    return {row.key: row.value for row in rows}


@pytest.fixture
def sales(org):
    return factories.sales_year(org)


@pytest.mark.parametrize("period", ["2026", "2026Q1", "2026-02", "2026-W09"])
@pytest.mark.parametrize(("metric", "by"), COMBINATIONS)
def test_compute_equals_the_plain_python_definition(org, sales, metric, by, period):
    expected = reference.expected(metric, by, periods.parse(period))
    assert _as_dict(selectors.compute(metric, by=by, period=period)) == expected


def test_won_amount_splits_credit_and_rolls_units_up(org, sales):
    by_employee = _as_dict(selectors.compute("won_amount", by="employee", period="2026Q1"))
    # rep: 60% of 10 000 + 3 000; teammate: 40% of 10 000 + 1 234.56; other_rep: 33.33% of 9 000
    assert by_employee[org.rep.pk] == 9000
    assert str(by_employee[org.teammate.pk]) == "5234.56"
    assert str(by_employee[org.other_rep.pk]) == "7999.70"  # 2 999.70 + 5 000
    assert str(by_employee[org.rep_e2.pk]) == "6000.30"
    by_unit = _as_dict(selectors.compute("won_amount", by="unit", period="2026Q1"))
    units = org.units
    assert by_unit[units.e1.pk] == by_employee[org.rep.pk] + by_employee[org.teammate.pk]
    assert by_unit[units.east.pk] == by_unit[units.e1.pk] + by_unit[units.e2.pk]
    assert by_unit[units.hq.pk] == by_unit[units.east.pk] + by_unit[units.north.pk]
    assert by_unit[units.hq.pk] == sum(by_employee.values())
    assert units.fin.pk not in by_unit


def test_ratios_are_recomputed_for_units_not_averaged(org, sales):
    rates = _as_dict(selectors.compute("win_rate", by="unit", period="2026Q1"))
    units = org.units
    # E1 won 3 (1.6 + 1.4 credited) and lost 1: 75%; E2 won 2/3 of a deal and lost none: 100%.
    assert rates[units.e1.pk] == 75 and rates[units.e2.pk] == 100
    # East: 3.6667 won of 4.6667 closed, not the mean of its teams (87.5).
    assert str(rates[units.east.pk]) == "78.57"


def test_win_rate_is_empty_without_closed_deals_and_counts_split_shares(org, sales):
    assert selectors.compute("win_rate", by="employee", period="2026-12") == []
    counts = _as_dict(selectors.compute("won_count", by="employee", period="2026Q1"))
    assert str(counts[org.other_rep.pk]) == "1.33"
    assert str(counts[org.rep.pk]) == "1.60"


def test_new_customers_count_only_the_first_win(org, sales):
    by_customer = _as_dict(selectors.compute("new_customers", by="customer", period="2026"))
    names = {c.name: c.pk for c in sales["customers"]}
    assert set(by_customer) == {names["Acme"], names["Beta"], names["Northwind"]}  # not Old Friend


def test_stage_conversion_labels_pairs_in_path_order(org, sales, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        rows = selectors.compute("stage_conversion", by="stage", period="2026")
    assert [row.key for row in rows] == ["lead", "discovery", "proposal", "negotiation"]
    assert rows[0].label == "Lead → Discovery"


def test_fiscal_year_starting_in_april_moves_the_period_edges(org, sales, settings):
    settings.FISCAL_YEAR_START_MONTH = 4
    year = _as_dict(selectors.compute("won_amount", by="customer", period="2026"))
    acme = sales["customers"][0].pk
    # 2026 now runs 2026-04-01 … 2027-03-31: only the 999 deal closed on 1 April counts for Acme.
    assert str(year[acme]) == "999.00"
    q4 = selectors.compute("won_amount", by="customer", period="2025Q4")  # January–March 2026
    assert _as_dict(q4) == reference.expected(
        "won_amount", "customer", periods.parse("2025Q4", fiscal_start_month=4)
    )
    for metric, by in COMBINATIONS:
        assert _as_dict(selectors.compute(metric, by=by, period="2026")) == reference.expected(
            metric, by, periods.parse("2026", fiscal_start_month=4)
        ), (metric, by)


def test_rep_sees_only_own_records_manager_the_subtree_director_all(org, sales):
    rep = _as_dict(selectors.compute("won_amount", by="employee", period="2026Q1", user=org.rep))
    assert set(rep) == {org.rep.pk}
    assert rep[org.rep.pk] == 9000
    supervisor = _as_dict(
        selectors.compute("won_amount", by="employee", period="2026Q1", user=org.supervisor)
    )
    assert set(supervisor) == {org.rep.pk, org.teammate.pk}
    manager = _as_dict(selectors.compute("won_amount", by="employee", period="2026Q1", user=org.manager))
    assert set(manager) == {org.rep.pk, org.teammate.pk, org.rep_e2.pk}  # other_rep's third stays out
    director = _as_dict(selectors.compute("won_amount", by="employee", period="2026Q1", user=org.director))
    assert director == _as_dict(selectors.compute("won_amount", by="employee", period="2026Q1"))
    manager_n = _as_dict(selectors.compute("won_amount", by="unit", period="2026Q1", user=org.manager_n))
    assert set(manager_n) == {org.units.hq.pk, org.units.north.pk, org.units.n1.pk}
    assert str(manager_n[org.units.hq.pk]) == "5000.00"  # other_rep's own deal; rep_e2's deal is not theirs


@pytest.mark.parametrize(("metric", "by"), COMBINATIONS)
def test_a_rep_never_sees_another_regions_figures(org, sales, metric, by):
    north_people = {org.other_rep.pk, org.supervisor_n.pk, org.manager_n.pk}
    north_units = {org.units.north.pk, org.units.n1.pk}
    north_customers = {sales["customers"][2].pk}
    rows = selectors.compute(metric, by=by, period="2026", user=org.rep)
    keys = {row.key for row in rows}
    assert not keys & {"employee": north_people, "unit": north_units, "customer": north_customers}.get(
        by, set()
    )
    if by == "employee":
        assert keys <= {org.rep.pk, None}


def test_delegation_adds_the_delegators_figures(org, sales):
    Delegation.objects.create(
        delegator=org.employees.rep_e2,
        delegate=org.employees.rep,
        granted_by=org.employees.manager,
        starts_on=timezone.localdate() - timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=1),
        reason="holiday",
    )
    rep = org.rep.__class__.objects.get(pk=org.rep.pk)  # a fresh access profile
    rows = _as_dict(selectors.compute("won_amount", by="employee", period="2026Q1", user=rep))
    assert set(rows) == {org.rep.pk, org.rep_e2.pk}


def test_unscoped_run_can_be_limited_to_a_company(org, sales):
    from tests.org.factories import CompanyFactory

    other = CompanyFactory()
    assert selectors.compute("won_amount", by="employee", period="2026", company=other) == []
    assert selectors.compute("won_amount", by="employee", period="2026", company=org.company.pk) == (
        selectors.compute("won_amount", by="employee", period="2026")
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"metric": "nope", "by": "employee", "period": "2026"}, "metric"),
        ({"metric": "won_amount", "by": "stage", "period": "2026"}, "by"),
        ({"metric": "won_amount", "by": "employee", "period": "2026Q5"}, "period"),
        ({"metric": "won_amount", "by": "employee", "period": "2025-W53"}, "period"),
        ({"metric": "won_amount", "by": "employee", "period": "0000"}, "period"),
    ],
)
def test_bad_queries_name_the_bad_field(db, kwargs, field):
    with pytest.raises(selectors.InvalidMetricQuery) as error:
        selectors.compute(kwargs.pop("metric"), **kwargs)
    assert error.value.field == field and error.value.status == 422


@pytest.mark.parametrize(("metric", "by"), COMBINATIONS)
def test_values_are_computes_figures_in_one_query_without_labels(org, sales, metric, by):
    manager = org.manager.__class__.objects.get(pk=org.manager.pk)
    figures = _as_dict(selectors.compute(metric, by=by, period="2026", user=manager))  # loads the profile
    with CaptureQueriesContext(connection) as context:
        assert selectors.values(metric, by=by, period="2026", user=manager) == figures
    assert len(context.captured_queries) == (2 if metric == "stage_conversion" else 1)  # stages, aggregate


def _queries(metric, by, user) -> int:
    with CaptureQueriesContext(connection) as context:
        selectors.compute(metric, by=by, period="2026", user=user)
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_rows_or_groups(org, sales):
    manager = org.manager.__class__.objects.get(pk=org.manager.pk)
    _queries("won_amount", "employee", manager)  # the profile and company load once per request
    before = {(m, b): (_queries(m, b, None), _queries(m, b, manager)) for m, b in COMBINATIONS}
    s = sales["stages"]
    for n in range(15):
        extra = factories.customer(org.company, org.teammate)
        item = factories.product(org.company)
        factories.deal(
            org.teammate,
            s["won"],
            amount=100 + n,
            customer=extra,
            closed_on=date(2026, 3, 1),
            splits={org.teammate: 50, org.rep_e2: 50},
            lines={item: 100 + n},
            reached=[s["lead"]],
        )
        factories.deal(
            org.rep_e2, s["proposal"], amount=50, customer=extra, expected_close_on=date(2026, 5, 1)
        )
        factories.visit(extra, org.teammate, done_on=date(2026, 3, 2))
        factories.lead(org.company, org.rep_e2, created_on=date(2026, 3, 3))
    after = {(m, b): (_queries(m, b, None), _queries(m, b, manager)) for m, b in COMBINATIONS}
    assert after == before
    assert max(q for pair in after.values() for q in pair) <= 2
