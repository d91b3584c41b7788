"""The receivables demo on top of the orders demo: the ledger's invariants hold in SQL, and the data
has what the pages need to show (late payers, overdue and part-paid invoices, prepayments, a
refund, customers near their credit limit)."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from salesdesk.orders import demo as orders_demo
from salesdesk.orders.models import DocumentSequence
from salesdesk.pipeline.models import Opportunity
from salesdesk.receivables import demo, selectors, services
from salesdesk.receivables.models import (
    Allocation,
    CollectionInstalment,
    CreditProfile,
    Invoice,
    Payment,
)
from tests.orders import factories

pytestmark = pytest.mark.django_db


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def company_with_history(org):
    """Won deals closed over the last 400 days, then the orders demo: signed contracts and orders,
    the older ones shipped."""
    today = timezone.localdate()
    deals = [
        factories.deal_with_lines(owner, org.company, won=True, quantity="20", price="3000.00")
        for owner in (org.rep, org.teammate, org.rep_e2)
        for _ in range(4)
    ]
    for index, deal in enumerate(deals):
        closed_on = today - timedelta(days=20 + index * 35)
        Opportunity.objects.filter(pk=deal.pk).update(
            closed_on=closed_on, engaged_on=closed_on - timedelta(days=40)
        )
    orders_demo.build(org.company, today, random.Random(11))
    return org, today


def test_demo_ledger_is_consistent_and_realistic(company_with_history):
    org, today = company_with_history
    demo.build(org.company, today, random.Random(5))
    inv, pay, alloc = Invoice._meta.db_table, Payment._meta.db_table, Allocation._meta.db_table

    # Running sums equal the allocation rows, on both sides.
    assert not _rows(
        f"SELECT i.id FROM {inv} i LEFT JOIN {alloc} a ON a.invoice_id = i.id "
        f"GROUP BY i.id, i.allocated HAVING i.allocated <> COALESCE(SUM(a.amount), 0)"
    )
    assert not _rows(
        f"SELECT p.id FROM {pay} p LEFT JOIN {alloc} a ON a.payment_id = p.id "
        f"GROUP BY p.id, p.allocated HAVING p.allocated <> COALESCE(SUM(a.amount), 0)"
    )
    # Never over-allocated; paid exactly when settled in full, with the date.
    assert not _rows(f"SELECT id FROM {inv} WHERE allocated > amount OR allocated < 0")
    assert not _rows(f"SELECT id FROM {pay} WHERE kind <> 'refund' AND allocated > amount")
    assert not _rows(
        f"SELECT id FROM {inv} WHERE (status = 'paid') <> (allocated = amount) "
        f"OR (status = 'paid') <> (paid_on IS NOT NULL)"
    )
    assert not _rows(f"SELECT id FROM {inv} WHERE paid_on < issued_on OR due_on < issued_on")
    # Nothing dated after today, no allocation before its payment arrived.
    assert not _rows(f"SELECT id FROM {inv} WHERE issued_on > '{today}'")
    assert not _rows(f"SELECT id FROM {pay} WHERE received_on > '{today}'")
    assert not _rows(
        f"SELECT a.id FROM {alloc} a JOIN {pay} p ON p.id = a.payment_id "
        f"WHERE a.applied_on < p.received_on OR a.applied_on > '{today}'"
    )
    # Invoices never exceed their shipment, instalment or contract.
    assert not _rows(
        f"SELECT shipment_id FROM {inv} WHERE shipment_id IS NOT NULL GROUP BY shipment_id "
        f"HAVING SUM(amount) > (SELECT amount FROM orders_shipment s WHERE s.id = shipment_id)"
    )
    assert not _rows(
        f"SELECT contract_id FROM {inv} WHERE contract_id IS NOT NULL GROUP BY contract_id "
        f"HAVING SUM(amount) > (SELECT amount FROM orders_contract c WHERE c.id = contract_id)"
    )

    invoices = Invoice.objects.filter(company=org.company)
    assert invoices.filter(basis="shipment").exists() and invoices.filter(basis="milestone").exists()
    assert invoices.filter(status="paid").exists()
    assert invoices.filter(status="open", due_on__lt=today).exists(), "some invoices are overdue"
    assert invoices.filter(status="open", allocated__gt=0).exists(), "some are part-paid"
    paid_late = [i for i in invoices.filter(status="paid") if (i.paid_on - i.due_on).days >= 30]
    assert paid_late, "a set of customers pays 30–200 days late"
    assert all((i.paid_on - i.due_on).days <= 200 for i in paid_late)

    payments = Payment.objects.filter(company=org.company)
    assert payments.filter(kind="receipt", allocated=0).exists(), "prepayments stay unallocated"
    assert payments.filter(kind="refund").count() == 1
    for customer in {p.customer for p in payments.filter(kind="refund")}:
        assert selectors.unapplied_cash(customer) >= 0

    # Numbers are unique and the sequences continue after them.
    for model in (Invoice, Payment):
        numbers = list(model.objects.filter(company=org.company).values_list("number", flat=True))
        assert len(numbers) == len(set(numbers))
    for sequence in DocumentSequence.objects.filter(company=org.company, prefix__in=["FP", "SK", "HZ", "TK"]):
        prefix = f"{sequence.prefix}-{sequence.year}-"
        issued = (
            Invoice.objects.filter(number__startswith=prefix).count()
            + Payment.objects.filter(number__startswith=prefix).count()
        )
        assert sequence.last == issued

    # Plans of 2–3 instalments that add up to the contract.
    plans = CollectionInstalment.objects.filter(contract__company=org.company)
    assert plans.exists()
    for contract_id in set(plans.values_list("contract_id", flat=True)):
        lines = plans.filter(contract_id=contract_id)
        assert lines.count() in (2, 3)
        assert sum(i.amount for i in lines) == lines[0].contract.amount

    # Credit profiles for most customers with contracts; a few at 85–100 % of their limit.
    profiles = list(selectors.credit_profile_list(org.finance))
    customers = set(invoices.values_list("customer_id", flat=True))
    assert len(profiles) >= len(customers) // 2
    near = [p for p in profiles if p.credit_limit and Decimal("0.85") <= p.exposure / p.credit_limit <= 1]
    assert 1 <= len(near) <= 3
    assert CreditProfile.objects.filter(rating__in=["C", "D"]).exists()


def test_services_continue_the_demo_numbering(company_with_history):
    org, today = company_with_history
    demo.build(org.company, today, random.Random(5))
    customer = Invoice.objects.filter(company=org.company).first().customer
    payment = services.post_payment(
        acting_user=org.finance, customer=customer, received_on=today, amount=Decimal("10.00")
    )
    assert not Payment.objects.filter(number=payment.number).exclude(pk=payment.pk).exists()
