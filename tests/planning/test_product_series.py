"""Targets on units sold per product line: a quantity target names its series, splits and copies
keep it, the grid and attainment read only that series, and the import and API carry it."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client

from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.imports import selectors as imports
from salesdesk.orders.models import Order, OrderLine
from salesdesk.planning import selectors, services
from salesdesk.planning.models import SplitMethod, Target
from salesdesk.planning.services import Owner, SplitInto
from tests.imports.conftest import run
from tests.metrics.factories import product
from tests.planning import factories
from tests.receivables.test_aging_support import customer

pytestmark = pytest.mark.django_db  # messages in English: tests/planning/conftest.py


@pytest.fixture
def plan(org):
    product(org.company, series="机床")
    product(org.company, series="机器人")
    return factories.plan(org.director, org.company)


def _quantity_target(org, plan, series, goal, owner=None, version=None):
    return services.set_target(
        acting_user=org.director,
        plan=plan,
        metric="quantity_sold",
        owner=owner or Owner(unit=org.units.hq),
        period_key="2026",
        levels=factories.levels(goal, Decimal(goal) * Decimal("0.8"), Decimal(goal) * Decimal("1.25")),
        product_series=series,
        expected_version=version,
    )


def _refused(org, plan, metric, series) -> dict:
    with pytest.raises(BusinessRuleViolation) as error:
        services.set_target(
            acting_user=org.director,
            plan=plan,
            metric=metric,
            owner=Owner(unit=org.units.hq),
            period_key="2026",
            levels=factories.levels("10"),
            product_series=series,
        )
    return error.value.details["fields"]


def test_a_quantity_target_names_a_series_of_the_company(org, plan):
    assert "product_series" in _refused(org, plan, "quantity_sold", "")  # units of all lines do not add up
    assert "product_series" in _refused(org, plan, "quantity_sold", "飞机")  # no such series
    assert "product_series" in _refused(org, plan, "won_amount", "机床")  # money is not set per series
    margin = services.set_target(
        acting_user=org.director,
        plan=plan,
        metric="gross_margin",
        owner=Owner(unit=org.units.hq),
        period_key="2026",
        levels=factories.levels("30"),
        product_series="机床",
    )
    assert margin.product_series == "机床"  # a margin may be per line


def test_two_lines_are_two_targets_and_a_split_keeps_its_line(org, plan):
    machines = _quantity_target(org, plan, "机床", "100")
    robots = _quantity_target(org, plan, "机器人", "40")
    assert machines.pk != robots.pk
    again = _quantity_target(org, plan, "机床", "120", version=machines.version)
    assert again.pk == machines.pk and again.goal == 120  # the same line: the same target, changed
    machines.refresh_from_db()
    regions = services.split_target(
        acting_user=org.director,
        target=machines,
        expected_version=machines.version,
        into=SplitInto.UNITS,
        method=SplitMethod.EQUAL,
    )
    assert {(r.product_series, r.goal) for r in regions} == {("机床", Decimal(60))}
    assert sum(r.goal for r in regions) == 120
    grid = selectors.grid(org.director, machines)
    assert [row.target.goal for row in grid.rows] == [Decimal(60), Decimal(60)]
    robots_grid = selectors.grid(org.director, robots)
    assert [row.target for row in robots_grid.rows] == [None, None]  # the robot line is not split


def test_attainment_counts_only_the_targets_line(org, plan):
    team = _quantity_target(org, plan, "机床", "20", owner=Owner(unit=org.units.e1))
    services.split_target(
        acting_user=org.supervisor, target=team, expected_version=team.version, into="units", method="equal"
    )
    machine, robot = product(org.company, series="机床"), product(org.company, series="机器人")
    confirmed = datetime(2026, 4, 1, 9, tzinfo=UTC)
    order = Order.objects.create(
        company=org.company,
        number="DD-S1",
        customer=customer(org.rep),
        owner=org.rep,
        status="confirmed",
        amount=Decimal(1000),
        ordered_on=date(2026, 4, 1),
        confirmed_at=confirmed,
        credit_checked_at=confirmed,
    )
    for item, quantity in ((machine, 3), (robot, 7)):
        OrderLine.objects.create(
            order=order, product=item, quantity=Decimal(quantity), unit_price=Decimal(1), amount=Decimal(1)
        )
    rows = selectors.attainment(
        user=org.supervisor, plan=plan, period_key="2026", by="employee", as_of=date(2026, 7, 1)
    )
    by_owner = {r.owner_label: r for r in rows}
    assert (by_owner["Rep"].actual, by_owner["Rep"].levels.goal, by_owner["Rep"].done) == (
        Decimal(3),
        Decimal(10),
        Decimal("0.3"),
    )  # the 7 robots are another line's
    assert by_owner["Rep"].metric_label == "Quantity sold · 机床"
    assert by_owner["Teammate"].actual == 0


def test_a_copied_plan_keeps_the_lines(org, plan):
    _quantity_target(org, plan, "机床", "100")
    _quantity_target(org, plan, "机器人", "40")
    copy = services.create_plan(
        acting_user=org.director, company=org.company, fiscal_year=2027, name="Next", copy_from=plan
    )
    assert sorted(copy.targets.values_list("product_series", "period_key", "goal")) == [
        ("机器人", "2027", Decimal(40)),
        ("机床", "2027", Decimal(100)),
    ]


def test_the_import_reads_the_series_column_and_reports_a_bad_one(org, plan):
    header = "metric,product_series,unit_code,employee_no,period,floor,goal,stretch\n"
    content = header + "quantity_sold,机床,EAST,,2026,,80,\nquantity_sold,机器人,EAST,,2026,,30,\n"
    job = run(org.director, "targets", content)
    assert (job.status, job.created_count) == ("succeeded", 2)
    assert sorted(Target.objects.values_list("product_series", "goal")) == [
        ("机器人", Decimal(30)),
        ("机床", Decimal(80)),
    ]
    again = run(org.director, "targets", content)
    assert (again.created_count, again.updated_count, Target.objects.count()) == (0, 2, 2)
    bad_rows = "quantity_sold,,EAST,,2026,,80,\nquantity_sold,飞机,EAST,,2026,,8,\n"
    bad = run(org.director, "targets", header + bad_rows)
    errors = [(e["row"], e["column"]) for e in imports.report_lines(bad, severity="error")]
    assert bad.status == "failed" and errors == [(2, "product_series"), (3, "product_series")]


def test_the_api_sets_and_lists_a_lines_target(org, plan):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.director)
    url = f"/api/v1/planning/plans/{plan.pk}/targets"
    body = {
        "metric": "quantity_sold",
        "product_series": "机器人",
        "owner_unit_id": org.units.east.pk,
        "period": "2026",
        "floor": "20",
        "goal": "25",
        "stretch": "30",
    }
    created = client.put(url, body, content_type="application/json")
    assert created.status_code == 200, created.content
    assert created.json()["product_series"] == "机器人"
    listed = client.get(url, {"product_series": "机器人"}).json()
    assert [item["id"] for item in listed["items"]] == [created.json()["id"]]
    missing = client.put(url, {**body, "product_series": ""}, content_type="application/json")
    assert missing.status_code == 422 and "product_series" in missing.content.decode()
