"""Orders test data, made through the services (confirmation, which belongs to receivables, is
stamped directly: the credit check is not this app's to run)."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from salesdesk.orders import services
from salesdesk.orders.models import Order
from salesdesk.pipeline import services as pipeline
from salesdesk.products.models import Product
from tests.pipeline import factories as deals

_numbers = count(1)


def product(company, *, price="1000.00", cost="600.00", name=None) -> Product:
    n = next(_numbers)
    return Product.objects.create(
        company=company,
        code=f"OP{n}",
        name=name or f"Order product {n}",
        list_price=Decimal(price),
        cost=Decimal(cost) if cost is not None else None,
    )


def deal_with_lines(owner, company, *, quantity="10", price="1000.00", won=False, **product_kwargs):
    item = product(company, price=price, **product_kwargs)
    deal = deals.deal(owner)
    deal = pipeline.set_lines(
        acting_user=owner,
        opportunity=deal,
        expected_version=deal.version,
        lines=[pipeline.LineInput(product=item, quantity=Decimal(quantity), unit_price=Decimal(price))],
    )
    if won:
        deal.refresh_from_db()
        deal = pipeline.move_opportunity(
            acting_user=owner,
            opportunity=deal,
            stage=deals.stage(company, "won"),
            expected_version=deal.version,
        )
    deal.refresh_from_db()
    return deal


def signed_contract(owner, company, *, approvers, quantity="10", price="1000.00"):
    """A won deal's contract taken through review (each approver decides the step they can)."""
    deal = deal_with_lines(owner, company, quantity=quantity, price=price, won=True)
    contract = services.create_contract(acting_user=owner, opportunity=deal)
    contract = services.submit_contract(
        acting_user=owner, contract=contract, expected_version=contract.version
    )
    for approver in approvers:
        contract.refresh_from_db()
        if contract.status != "in_review":
            break
        services.decide_review(
            acting_user=approver, contract=contract, expected_version=contract.version, approve=True
        )
    contract.refresh_from_db()
    return services.sign_contract(
        acting_user=owner,
        contract=contract,
        expected_version=contract.version,
        signed_on=timezone.localdate(),
    )


def confirm(order: Order, by) -> Order:
    Order.objects.filter(pk=order.pk).update(
        status="confirmed",
        credit_checked_at=timezone.now(),
        credit_checked_by=by,
        confirmed_at=timezone.now(),
    )
    order.refresh_from_db()
    return order


def confirmed_order(owner, company, *, approvers, promised_in_days=30):
    contract = signed_contract(owner, company, approvers=approvers)
    order = services.create_order(
        acting_user=owner,
        contract=contract,
        promised_on=timezone.localdate() + timedelta(days=promised_in_days),
    )
    return confirm(order, owner)
