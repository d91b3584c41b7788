import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from salesdesk.orders import demo
from salesdesk.orders.models import Contract, Order, Quote, Shipment
from tests.orders import factories


def test_demo_builds_contracts_orders_and_quotes_consistent_with_the_rules(org):
    today = timezone.localdate()
    for owner in (org.rep, org.teammate, org.rep_e2):
        for _ in range(3):
            factories.deal_with_lines(owner, org.company, won=True)
    factories.deal_with_lines(org.rep, org.company)  # an open deal gets the quote awaiting approval
    demo.build(org.company, today, random.Random(4))

    contracts = Contract.objects.filter(company=org.company)
    assert contracts.count() >= 5
    assert not contracts.filter(status="signed", signed_on__isnull=True).exists()
    assert len(set(contracts.values_list("number", flat=True))) == contracts.count()
    assert Quote.objects.filter(status="pending_approval", approvals__decision="pending").count() == 1
    for order in Order.objects.filter(company=org.company):
        shipped_sum = sum(s.amount for s in order.shipments.all())
        assert shipped_sum == order.amount
        assert order.amount <= order.contract.amount
    assert Shipment.objects.filter(order__company=org.company).exists()
    assert Order.objects.filter(ordered_on__gt=today).count() == 0
    assert Order.objects.filter(status="paused").count() <= 1
    assert all(c.ends_on - c.starts_on == timedelta(days=365) for c in contracts)
    assert sum(o.amount for o in Order.objects.all()) > Decimal(0)
