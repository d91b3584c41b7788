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


def test_on_time_delivery_is_measured_against_the_first_promise(org):
    """A date moved by an approved change does not make a late delivery on time."""
    promised = TODAY - timedelta(days=10)
    schedule = [
        (promised, TODAY - timedelta(days=5)),  # its plan moved to 3 days ago: still late
        (promised, TODAY - timedelta(days=12)),  # on time
        (TODAY - timedelta(days=2), None),  # its plan moved 20 days ahead: the promise has passed
    ]
    order = _order_with(org, factories.deals.customer(org.rep), schedule)
    for sequence, days in ((1, -3), (3, 20)):
        Shipment.objects.filter(order=order, sequence=sequence).update(
            planned_on=TODAY + timedelta(days=days)
        )
    shipments = list(order.shipments.all())
    assert [s.original_planned_on for s in shipments] == [planned for planned, _shipped in schedule]
    figure = selectors.on_time_for_order(order, today=TODAY)
    assert (figure.due, figure.on_time, figure.rate) == (3, 1, Decimal("33.3"))
    assert selectors.on_time_by_customer(org.rep, today=TODAY)[order.customer_id].rate == figure.rate
    assert (
        rules.on_time_rate([(s.original_planned_on, s.shipped_on) for s in shipments], TODAY) == figure.rate
    )


def test_an_approved_delivery_change_moves_the_plan_but_not_the_promise(org):
    order = factories.confirmed_order(org.rep, org.company, approvers=[org.supervisor, org.finance])
    shipment = order.shipments.get()
    promised = shipment.planned_on
    change = services.request_delivery_change(
        acting_user=org.rep, shipment=shipment, new_date=promised + timedelta(days=9), reason="parts"
    )
    services.decide_delivery_change(
        acting_user=org.manager, change=change, expected_version=change.version, approve=True
    )
    shipment.refresh_from_db()
    assert (shipment.planned_on, shipment.original_planned_on) == (promised + timedelta(days=9), promised)


def _ended(org, deal, *, status, ends_on, signed_on=date(2025, 4, 1)):
    contract = services.create_contract(acting_user=org.rep, opportunity=deal, ends_on=ends_on)
    Contract.objects.filter(pk=contract.pk).update(
        status=status, signed_on=signed_on, terminated_on=signed_on if status == "terminated" else None
    )
    return contract


def test_renewals_due_keep_expired_contracts_and_leave_out_terminated_ones(org):
    today = date.today()
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    expired = _ended(org, deal, status="expired", ends_on=today - timedelta(days=5))
    _ended(org, deal, status="terminated", ends_on=today + timedelta(days=10))
    assert list(selectors.renewals(org.rep, today=today, within_days=60)) == [expired]


def test_the_renewal_rate_counts_renewals_that_ended_since_and_leaves_out_terminations(org):
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    deal.customer.tier = "strategic"
    deal.customer.save()
    ended = _ended(org, deal, status="expired", ends_on=date(2026, 3, 31))
    renewal = services.create_contract(acting_user=org.rep, opportunity=deal, renewal_of=ended)
    # The renewal itself was signed in 2025 and terminated since: it still renewed the first one.
    Contract.objects.filter(pk=renewal.pk).update(
        status="terminated", signed_on=date(2025, 6, 1), terminated_on=date(2026, 5, 1)
    )
    _ended(org, deal, status="terminated", ends_on=date(2026, 9, 30), signed_on=date(2024, 1, 1))
    figure = selectors.renewal_rate(org.rep, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert (figure.ending, figure.renewed) == (1, 1)
