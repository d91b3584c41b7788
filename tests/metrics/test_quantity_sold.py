"""Units sold per product line: order-line quantities of confirmed orders, for one series at a
time, equal to a count made here row by row; the series filter is refused where it means nothing."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client

from salesdesk.metrics import selectors
from salesdesk.orders.models import Order, OrderLine
from tests.metrics.factories import product
from tests.receivables.test_aging_support import customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(org):
    """Each rep orders machines (台) and robots (台); one order is cancelled, one confirmed last year,
    one still a draft: only confirmed orders of 2026 count."""
    machine = product(org.company, series="机床")
    lathe = product(org.company, series="机床")
    robot = product(org.company, series="机器人")
    loose = product(org.company)  # no series: counts only when no series is asked for
    plan = [
        # owner, status, confirmed on, [(product, quantity)]
        (org.rep, "confirmed", date(2026, 3, 2), [(machine, 2), (lathe, "1.5"), (robot, 4), (loose, 1)]),
        (org.rep, "cancelled", date(2026, 3, 9), [(machine, 50)]),
        (org.rep, "confirmed", date(2025, 12, 30), [(machine, 70)]),
        (org.teammate, "shipped", date(2026, 8, 1), [(machine, 3), (robot, 1)]),
        (org.teammate, "draft", None, [(machine, 9)]),
        (org.other_rep, "completed", date(2026, 11, 5), [(robot, 6)]),
    ]
    for n, (owner, status, confirmed, lines) in enumerate(plan):
        buyer = customer(owner)
        confirmed_at = (
            datetime(confirmed.year, confirmed.month, confirmed.day, 9, tzinfo=UTC) if confirmed else None
        )
        order = Order.objects.create(
            company=org.company,
            number=f"DD-Q{n}",
            customer=buyer,
            owner=owner,
            status=status,
            amount=Decimal(1000),
            ordered_on=confirmed or date(2026, 6, 1),
            confirmed_at=confirmed_at,
            credit_checked_at=confirmed_at,
        )
        for item, quantity in lines:
            OrderLine.objects.create(
                order=order,
                product=item,
                quantity=Decimal(quantity),
                unit_price=Decimal(10),
                amount=Decimal(10),
            )
    return {"machine": machine, "lathe": lathe, "robot": robot, "loose": loose}


def _expected(series: str, by: str = "employee") -> dict:
    """Row by row: lines of 2026's confirmed (not cancelled, not draft) orders of the series."""
    out: dict = {}
    for line in OrderLine.objects.select_related("order", "product"):
        order = line.order
        if order.status in ("draft", "cancelled") or order.confirmed_at is None:
            continue
        if order.confirmed_at.date().year != 2026 or (series and line.product.series != series):
            continue
        key = order.owner_id if by == "employee" else line.product_id
        out[key] = out.get(key, Decimal(0)) + line.quantity
    return out


def _computed(series: str, by: str = "employee", **kwargs) -> dict:
    rows = selectors.compute("quantity_sold", by=by, period="2026", series=series, **kwargs)
    return {row.key: Decimal(row.value) for row in rows}


@pytest.mark.parametrize("series", ["机床", "机器人"])
@pytest.mark.parametrize("by", ["employee", "product"])
def test_quantity_sold_per_series_equals_a_row_by_row_count(org, orders, series, by):
    want = _expected(series, by)
    assert want  # the fixture sells both series
    assert _computed(series, by, company=org.company) == want


def test_machines_by_person_and_unit(org, orders):
    by_person = _computed("机床", company=org.company)
    assert by_person == {org.rep.pk: Decimal("3.5"), org.teammate.pk: Decimal(3)}
    by_unit = _computed("机床", "unit", company=org.company)
    assert by_unit[org.units.e1.pk] == Decimal("6.5")
    assert by_unit[org.units.hq.pk] == Decimal("6.5")
    assert org.units.n1.pk not in by_unit  # North sold robots only


def test_a_rep_sees_only_their_own_units_sold(org, orders):
    assert _computed("机器人", user=org.rep) == {org.rep.pk: Decimal(4)}


def test_a_series_is_refused_for_a_figure_not_counted_per_line(org):
    with pytest.raises(selectors.InvalidMetricQuery) as error:
        selectors.compute("signed_amount", by="employee", period="2026", series="机床")
    assert error.value.field == "series"


def test_the_api_takes_a_series(org, orders):
    client = Client()
    client.force_login(org.manager)
    query = {"metric": "quantity_sold", "by": "unit", "period": "2026", "series": "机器人"}
    body = client.get("/api/v1/metrics", query).json()
    assert body["series"] == "机器人"
    # The manager's scope: East's people (the rep's 4 and the teammate's 1), not North's 6 — the
    # company row holds only the part the manager sees.
    assert {row["key"]: row["value"] for row in body["rows"]} == {
        org.units.hq.pk: 5,
        org.units.east.pk: 5,
        org.units.e1.pk: 5,
    }
    bad = client.get("/api/v1/metrics", {**query, "metric": "won_amount"})
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "series"
