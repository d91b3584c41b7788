"""Sixteen postings race for one invoice: the row lock and the CHECK constraint let only as many
through as the invoice can take, on SQLite (serialised writers) and PostgreSQL (row locks) alike."""

import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D

import pytest
from django.db import OperationalError, connection

from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.receivables import services
from salesdesk.receivables.models import Allocation, Invoice, Payment
from tests.conftest import build_personas
from tests.receivables import factories as f
from tests.receivables.factories import TODAY


def _retrying_locks(call):
    """SQLite's in-memory test database answers a writer that finds the shared cache locked with
    "table is locked" at once instead of waiting; wait and retry, as a busy timeout would. Only
    the database's refusal (a BusinessRuleViolation) counts as a failed posting."""
    for _attempt in range(400):
        try:
            return call()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("the database stayed locked")


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_allocations_never_over_allocate():
    org = build_personas()
    invoice = f.contract_invoice(org.finance, org.rep, amount="1000.00")
    payments = [f.receipt(org.finance, invoice.customer, "150.00") for _ in range(16)]

    def post(payment):
        try:
            _retrying_locks(
                lambda: services.allocate_payment(
                    acting_user=org.finance,
                    payment=payment,
                    applied_on=TODAY,
                    amounts=[(invoice, D("150.00"))],
                )
            )
            return True
        except BusinessRuleViolation:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        succeeded = sum(pool.map(post, payments))

    invoice.refresh_from_db()
    rows = Allocation.objects.filter(invoice=invoice)
    assert succeeded == 6  # 6 × 150 = 900; a 7th would make 1050 > 1000
    assert invoice.allocated == D("150.00") * succeeded <= invoice.amount
    assert invoice.allocated == sum(r.amount for r in rows)
    assert rows.count() == succeeded
    for payment in Payment.objects.all():
        assert payment.allocated == sum(a.amount for a in payment.allocations.all())


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_numbers_are_all_different():
    org = build_personas()
    contracts = [f.contract(org.rep, amount="10.00") for _ in range(16)]

    def issue(contract):
        try:
            return _retrying_locks(
                lambda: services.issue_invoice(
                    acting_user=org.finance, basis="contract", contract=contract, issued_on=TODAY
                )
            ).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(issue, contracts))
    assert len(set(numbers)) == 16 == Invoice.objects.count()
