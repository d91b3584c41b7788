"""Receivables test data. Contracts, orders and shipments are stamped directly (they are the
orders app's to make; here they are only what receivables bills); money moves through the
receivables services."""

from datetime import date
from decimal import Decimal
from itertools import count

from django.utils import timezone

from salesdesk.orders.models import Contract, Order, Shipment
from salesdesk.receivables import services
from tests.pipeline import factories as pipeline

_numbers = count(1)
TODAY = date(2026, 3, 2)


def customer(owner, name: str | None = None):
    return pipeline.customer(owner, name=name)


def contract(owner, *, customer_for=None, amount="10000.00", status="signed", payment_days=30) -> Contract:
    buyer = customer_for or customer(owner)
    return Contract.objects.create(
        company_id=buyer.company_id,
        number=f"HT-{next(_numbers):05d}",
        title="Supply",
        customer=buyer,
        owner=owner,
        status=status,
        amount=Decimal(amount),
        signed_on=TODAY if status == "signed" else None,
        payment_days=payment_days,
    )


def order(owner, *, customer_for=None, amount="5000.00", status="draft", contract_for=None) -> Order:
    buyer = customer_for or (contract_for.customer if contract_for else customer(owner))
    checked = status not in {"draft", "credit_hold", "cancelled"}
    return Order.objects.create(
        company_id=buyer.company_id,
        number=f"DD-{next(_numbers):05d}",
        contract=contract_for,
        customer=buyer,
        owner=owner,
        status=status,
        amount=Decimal(amount),
        ordered_on=TODAY,
        credit_checked_at=timezone.now() if checked else None,
        confirmed_at=timezone.now() if checked else None,
    )


def shipment(order_for: Order, *, amount="2000.00", shipped=True, sequence=None) -> Shipment:
    return Shipment.objects.create(
        order=order_for,
        sequence=sequence or next(_numbers),
        planned_on=TODAY,
        shipped_on=TODAY if shipped else None,
        status="shipped" if shipped else "planned",
        amount=Decimal(amount),
    )


def contract_invoice(finance, owner, *, amount="1000.00", customer_for=None, issued_on=TODAY):
    signed = contract(owner, amount=amount, customer_for=customer_for)
    return services.issue_invoice(acting_user=finance, basis="contract", contract=signed, issued_on=issued_on)


def receipt(finance, buyer, amount="1000.00", *, received_on=TODAY, kind="receipt"):
    return services.post_payment(
        acting_user=finance, customer=buyer, received_on=received_on, amount=Decimal(amount), kind=kind
    )
