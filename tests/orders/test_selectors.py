from datetime import date, timedelta
from decimal import Decimal

import pytest

from salesdesk.orders import rules, selectors, services
from salesdesk.orders.models import Contract, Order, Shipment
from tests.orders import factories

TODAY = date(2026, 6, 30)


def _order_with(org, customer, schedule):
    """An order whose shipments are (planned_on, shipped_on or None)."""
    order = Order.objects.create(
        company=org.company,
        number=f"T{Order.objects.count() + 1}",
        customer=customer,
        owner=org.rep,
        amount=Decimal(len(schedule)),
        ordered_on=TODAY - timedelta(days=90),
        status="partly_shipped",
        credit_checked_at="2026-01-01T00:00:00Z",
    )
    Shipment.objects.bulk_create(
        [
            Shipment(
                order=order,
                sequence=i,
                planned_on=planned,
                shipped_on=shipped,
                amount=Decimal(1),
                status="shipped" if shipped else "planned",
            )
            for i, (planned, shipped) in enumerate(schedule, start=1)
        ]
    )
    return order


def test_on_time_delivery_rate_matches_a_hand_count(org):
    customer = factories.deals.customer(org.rep)
    d = TODAY
    first = _order_with(
        org,
        customer,
        [
            (d - timedelta(days=30), d - timedelta(days=31)),  # early: on time
            (d - timedelta(days=20), d - timedelta(days=20)),  # on the day: on time
            (d - timedelta(days=10), d - timedelta(days=5)),  # late
            (d - timedelta(days=2), None),  # overdue, not shipped: late
            (d + timedelta(days=10), None),  # not due yet: not counted
        ],
    )
    second = _order_with(org, customer, [(d - timedelta(days=3), d - timedelta(days=4))])
    # By hand: first order 2 on time of 4 due = 50 %; the customer 3 of 5 = 60 %.
    figure = selectors.on_time_for_order(first, today=TODAY)
    assert (figure.due, figure.on_time, figure.rate) == (4, 2, Decimal("50.0"))
    assert selectors.on_time_for_order(second, today=TODAY).rate == Decimal("100.0")
    by_customer = selectors.on_time_by_customer(org.rep, today=TODAY)
    assert by_customer[customer.pk].rate == Decimal("60.0")
    assert selectors.on_time_by_customer(org.other_rep, today=TODAY) == {}
    schedule = [(s.planned_on, s.shipped_on) for s in first.shipments.all()]
    assert rules.on_time_rate(schedule, TODAY) == figure.rate


def test_renewals_list_contracts_ending_soon_that_nobody_renewed(org):
    today = date.today()
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    ending = services.create_contract(
        acting_user=org.rep, opportunity=deal, ends_on=today + timedelta(days=20)
    )
    later = services.create_contract(
        acting_user=org.rep, opportunity=deal, ends_on=today + timedelta(days=200)
    )
    Contract.objects.filter(pk__in=[ending.pk, later.pk]).update(status="signed", signed_on=today)
    assert list(selectors.renewals(org.rep, today=today, within_days=60)) == [ending]
    assert list(selectors.renewals(org.other_rep, today=today, within_days=60)) == []
    renewal = services.create_contract(acting_user=org.rep, opportunity=deal, renewal_of=ending)
    assert renewal.renewal_of == ending
    assert list(selectors.renewals(org.rep, today=today, within_days=60)) == []


@pytest.mark.parametrize("renewed_count", [0, 1, 2])
def test_the_strategic_renewal_rate_counts_renewed_contracts(org, renewed_count):
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    deal.customer.tier = "strategic"
    deal.customer.save()
    ended = []
    for _ in range(2):
        contract = services.create_contract(acting_user=org.rep, opportunity=deal, ends_on=date(2026, 3, 31))
        ended.append(contract)
    Contract.objects.filter(pk__in=[c.pk for c in ended]).update(status="signed", signed_on=date(2025, 4, 1))
    for contract in ended[:renewed_count]:
        renewal = services.create_contract(acting_user=org.rep, opportunity=deal, renewal_of=contract)
        Contract.objects.filter(pk=renewal.pk).update(status="signed", signed_on=date(2025, 6, 1))
    figure = selectors.renewal_rate(org.rep, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert figure.ending == 2
    assert figure.renewed == renewed_count
    assert figure.rate == Decimal(renewed_count * 50).quantize(Decimal("0.1"))


@pytest.mark.parametrize(
    ("discount", "author", "expected"),
    [
        ("5", "rep", None),
        ("5.01", "rep", "supervisor"),
        ("10", "rep", "supervisor"),
        ("15", "rep", "manager"),
        ("15", "supervisor", "manager"),
        ("15", "manager", None),
        ("25", "rep", "director"),
    ],
)
def test_approval_routing_by_size(discount, author, expected):
    assert rules.approval_role(Decimal(discount), author, rules.DEFAULT_DISCOUNT_LIMITS) == expected


def test_routing_follows_configured_limits(org):
    services.set_discount_limits(acting_user=org.admin, company=org.company, limits={"rep": Decimal(2)})
    limits = selectors.discount_limits(org.company.pk)
    assert rules.approval_role(Decimal(3), "rep", limits) == "supervisor"
    from salesdesk.core.errors import BusinessRuleViolation

    with pytest.raises(BusinessRuleViolation):
        services.set_discount_limits(
            acting_user=org.admin, company=org.company, limits={"manager": Decimal(50)}
        )
