# ruff: noqa: E501  (test tables and SQL read better unwrapped)
"""The lead-to-cash metrics, each equal to an independent computation over rows made here with
the ORM, by employee, unit (subtree roll-up), customer and product, within the caller's scope."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client

from salesdesk.metrics import selectors
from salesdesk.orders.models import Contract, Order, OrderLine, Shipment
from salesdesk.receivables.models import Allocation, Invoice, WriteOffRequest
from tests.metrics.factories import product
from tests.receivables.test_aging_support import customer, invoice

YEAR = "2026"
START, END = date(2026, 1, 1), date(2026, 12, 31)
CENT = Decimal("0.01")


def _pct(part, whole):
    return (
        None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)
    )


def _values(metric, by="employee", user=None, company=None):
    return {
        row.key: row.value
        for row in selectors.compute(metric, by=by, period=YEAR, user=user, company=company)
    }


@pytest.fixture
def ledger(org):
    people = [org.rep, org.teammate, org.other_rep]
    rows = []
    for n, person in enumerate(people):
        buyer = customer(person)
        for k in range(4):
            issued = date(2025, 11, 1) + timedelta(days=60 * k + 7 * n)
            due = issued + timedelta(days=30 + 15 * k)
            allocations = [
                ("300.00", due - timedelta(days=2), "receipt"),
                ("200.00", due + timedelta(days=10), "credit_note"),
            ]
            if k % 2:
                allocations.append(("-100.00", due + timedelta(days=20), "receipt"))
            rows.append(invoice(person, customer_for=buyer, amount=f"{1000 + 100 * k + n}.00", issued_on=issued,
                                due_on=due, allocations=allocations))  # fmt: skip
        rows.append(
            invoice(
                person, customer_for=buyer, amount="999.00", issued_on=date(2026, 3, 1), status="cancelled"
            )
        )
        old = invoice(
            person, customer_for=buyer, amount="777.00", issued_on=date(2024, 1, 1), due_on=date(2024, 2, 1)
        )
        WriteOffRequest.objects.create(invoice=old, amount=Decimal("777.00"), reason="gone", requested_by=org.finance,
                                       decided_by=org.director, status="approved", written_off_on=date(2026, 5, 1))  # fmt: skip
        Invoice.objects.filter(pk=old.pk).update(status="written_off")
        signed = Contract.objects.create(company_id=buyer.company_id, number=f"HT-M{n}", title="x", customer=buyer,
                                         owner=person, status="signed", amount=Decimal(5000 + n), signed_on=date(2026, 4, 1))  # fmt: skip
        Contract.objects.create(company_id=buyer.company_id, number=f"HT-D{n}", title="x", customer=buyer,
                                owner=person, status="draft", amount=Decimal(9999))  # fmt: skip
        order = Order.objects.create(company_id=buyer.company_id, number=f"DD-M{n}", contract=signed, customer=buyer,
                                     owner=person, status="confirmed", amount=Decimal(3000), ordered_on=date(2026, 4, 2),
                                     confirmed_at=datetime(2026, 4, 2, 12, tzinfo=UTC),
                                     credit_checked_at=datetime(2026, 4, 2, 11, tzinfo=UTC))  # fmt: skip
        item = product(org.company)
        OrderLine.objects.create(order=order, product=item, quantity=Decimal(2), unit_price=Decimal(1000),
                                 amount=Decimal(2000), unit_cost=Decimal(600 + 10 * n))  # fmt: skip
        OrderLine.objects.create(order=order, product=item, quantity=Decimal(1), unit_price=Decimal(1000),
                                 amount=Decimal(1000), unit_cost=None)  # fmt: skip
        for s in range(3):
            planned = date(2026, 5, 10)
            Shipment.objects.create(order=order, sequence=s + 1, planned_on=planned,
                                    shipped_on=planned + timedelta(days=s * n - 1), status="shipped", amount=Decimal(1000))  # fmt: skip
        # An approved delivery change moved the last shipment's plan; its first promise stays the measure.
        Shipment.objects.filter(order=order, sequence=3).update(planned_on=date(2026, 6, 30))
    return people


def _invoices():
    return [i for i in Invoice.objects.all() if i.status != "cancelled"]


def _applied(inv, until=None, kinds=None):
    rows = Allocation.objects.filter(invoice=inv).select_related("payment")
    return sum(
        (
            a.amount
            for a in rows
            if (until is None or a.applied_on <= until) and (kinds is None or a.payment.kind in kinds)
        ),
        Decimal(0),
    )


def _written_off_by(inv, day):
    return WriteOffRequest.objects.filter(invoice=inv, status="approved", written_off_on__lte=day).exists()


def expected(metric):
    out = defaultdict(lambda: defaultdict(Decimal))
    if metric == "signed_amount":
        for c in Contract.objects.filter(status="signed"):
            if START <= c.signed_on <= END:
                out[c.owner_id]["v"] += c.amount
    elif metric == "invoiced_amount":
        for i in _invoices():
            if START <= i.issued_on <= END:
                out[i.owner_id]["v"] += i.amount
    elif metric == "collected_amount":
        for a in Allocation.objects.select_related("payment", "invoice"):
            if START <= a.applied_on <= END and a.payment.kind == "receipt":
                out[a.invoice.owner_id]["v"] += a.amount
    elif metric in ("collection_rate", "on_time_collection_rate"):
        for i in _invoices():
            if START <= i.due_on <= END:
                out[i.owner_id]["due"] += i.amount
                if metric == "collection_rate":
                    out[i.owner_id]["part"] += _applied(i, END, ("receipt",))
                else:
                    out[i.owner_id]["part"] += _applied(i, i.due_on)
    elif metric in ("overdue_amount", "overdue_ratio", "dso"):
        for i in _invoices():
            if i.issued_on > END or _written_off_by(i, END):
                if metric == "dso" and START <= i.issued_on <= END:
                    out[i.owner_id]["invoiced"] += i.amount
                continue
            open_amount = i.amount - _applied(i, END)
            out[i.owner_id]["open"] += open_amount
            if i.due_on < END:
                out[i.owner_id]["overdue"] += open_amount
            if START <= i.issued_on <= END:
                out[i.owner_id]["invoiced"] += i.amount
    elif metric == "bad_debt_amount":
        for w in WriteOffRequest.objects.select_related("invoice").filter(status="approved"):
            if START <= w.written_off_on <= END:
                out[w.invoice.owner_id]["v"] += w.amount
    elif metric == "on_time_delivery_rate":
        for s in Shipment.objects.select_related("order"):
            if s.status == "shipped" and START <= s.shipped_on <= END:
                out[s.order.owner_id]["whole"] += 1
                out[s.order.owner_id]["part"] += s.shipped_on <= s.original_planned_on
    elif metric == "gross_margin":
        for line in OrderLine.objects.select_related("order").filter(unit_cost__isnull=False):
            out[line.order.owner_id]["whole"] += line.amount
            out[line.order.owner_id]["part"] += line.amount - line.quantity * line.unit_cost
    finish = {
        "collection_rate": lambda p: _pct(p["part"], p["due"]),
        "on_time_collection_rate": lambda p: _pct(p["part"], p["due"]),
        "overdue_amount": lambda p: p["overdue"].quantize(CENT),
        "overdue_ratio": lambda p: _pct(p["overdue"], p["open"]),
        "dso": lambda p: (
            None if not p["invoiced"] else (p["open"] * 365 / p["invoiced"]).quantize(Decimal("0.1"))
        ),
        "on_time_delivery_rate": lambda p: _pct(p["part"], p["whole"]),
        "gross_margin": lambda p: _pct(p["part"], p["whole"]),
    }.get(metric, lambda p: p["v"].quantize(CENT))
    return {key: finish(parts) for key, parts in out.items()}


METRICS = [
    "signed_amount", "invoiced_amount", "collected_amount", "collection_rate", "on_time_collection_rate",
    "overdue_amount", "overdue_ratio", "dso", "bad_debt_amount", "on_time_delivery_rate", "gross_margin",
]  # fmt: skip


@pytest.mark.parametrize("metric", METRICS)
def test_metric_equals_an_independent_computation(org, ledger, metric):
    want = expected(metric)
    got = _values(metric, company=org.company)
    assert {k: v for k, v in got.items() if v is not None} == {k: v for k, v in want.items() if v is not None}


@pytest.mark.parametrize("metric", ["collected_amount", "overdue_amount", "overdue_ratio", "gross_margin"])
def test_units_roll_up_their_subtree(org, ledger, metric):
    by_unit = _values(metric, by="unit", company=org.company)
    by_person = _values(metric, company=org.company)
    if metric in ("collected_amount", "overdue_amount"):
        assert by_unit[org.units.e1.pk] == by_person[org.rep.pk] + by_person[org.teammate.pk]
        assert by_unit[org.units.hq.pk] == sum(by_person.values())
    else:
        assert by_unit[org.units.n1.pk] == by_person[org.other_rep.pk]


def test_scope_rep_sees_own_finance_sees_all(org, ledger):
    assert set(_values("collected_amount", user=org.rep)) == {org.rep.pk}
    assert set(_values("collected_amount", user=org.supervisor)) == {org.rep.pk, org.teammate.pk}
    assert set(_values("collected_amount", user=org.finance)) == {
        org.rep.pk,
        org.teammate.pk,
        org.other_rep.pk,
    }
    assert set(_values("signed_amount", user=org.other_rep)) == {org.other_rep.pk}


def test_gross_margin_by_product(org, ledger):
    got = _values("gross_margin", by="product", company=org.company)
    assert len(got) == 3 and all(value is not None for value in got.values())


def test_api_serves_the_new_metrics(org, ledger):
    client = Client()
    client.force_login(org.finance)
    response = client.get("/api/v1/metrics", {"metric": "collected_amount", "by": "unit", "period": YEAR})
    assert response.status_code == 200
    rows = {row["key"]: Decimal(str(row["value"])) for row in response.json()["rows"]}
    assert rows[org.units.hq.pk] == sum(expected("collected_amount").values())


def test_on_time_delivery_counts_against_the_first_promise_not_the_moved_plan(org, ledger):
    moved = Shipment.objects.filter(sequence=3, shipped_on__gt=date(2026, 5, 10))
    assert moved.exists() and all(s.shipped_on <= s.planned_on for s in moved)  # on time by the moved plan
    # other_rep (n = 2): shipped 1 day early, 1 day late and 3 days late → 1 of 3 on time.
    assert _values("on_time_delivery_rate", company=org.company)[org.other_rep.pk] == Decimal("33.33")
