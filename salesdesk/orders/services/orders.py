"""Orders: from a signed contract or repeating an earlier order, through production and
shipments. Confirmation (draft → confirmed / credit hold) belongs to receivables.confirm_order.

confirmed ─start production→ in production ─ship (some)→ partly shipped ─ship (last)→ shipped
shipped ─complete→ completed
confirmed | in production | partly shipped ─pause (supervisor)→ paused ─resume→ the status it left
draft | credit hold ─cancel (owner)→ cancelled
confirmed | in production | paused ─cancel (supervisor)→ cancelled
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.money import to_money
from salesdesk.core.versioning import claim_version
from salesdesk.orders import rules, selectors
from salesdesk.orders.models import (
    Contract,
    DeliveryChangeRequest,
    DeliveryChangeStatus,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentStatus,
)
from salesdesk.orders.services.common import next_number, transition
from salesdesk.org.models import User
from salesdesk.products.models import Product

ORDER_PREFIX = "DD"


@dataclass(frozen=True)
class OrderLineInput:
    product: Product
    quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class ShipmentInput:
    planned_on: date
    amount: Decimal


def _event(order: Order, kind: str, by: User, *, from_status: str = "", note: str = "") -> None:
    OrderEvent.objects.create(
        order=order, kind=kind, from_status=from_status, to_status=order.status, note=note[:300], by=by
    )


def _lines_of_contract(contract: Contract) -> list[OrderLineInput]:
    if contract.quote_id:
        source = contract.quote.lines.select_related("product")
    elif contract.opportunity_id:
        source = contract.opportunity.lines.select_related("product")
    else:
        return []
    return [OrderLineInput(line.product, line.quantity, line.unit_price) for line in source]


def check_open_for_orders(contract: Contract, today: date, *, field: str) -> None:
    """Orders go under a signed contract whose term runs; a terminated or expired one takes none
    (checked when an order is placed and again when it is confirmed)."""
    refusal = rules.order_refusal(contract.status, contract.ends_on, today)
    if refusal is None:
        return
    if refusal == "terminated":
        message = _("Contract %(number)s was terminated on %(day)s; no more orders are placed under it.") % {
            "number": contract.number,
            "day": contract.terminated_on,
        }
    elif refusal == "expired":
        message = _("Contract %(number)s ended on %(day)s; renew it before placing more orders.") % {
            "number": contract.number,
            "day": contract.ends_on,
        }
    else:
        message = _("Orders are placed under a signed contract; this one is %(status)s.") % {
            "status": contract.get_status_display()
        }
    raise BusinessRuleViolation(message, details={"field": field, "code": f"contract_{refusal}"})


def _new_order(
    *,
    acting_user: User,
    contract: Contract | None,
    repeat_of: Order | None,
    customer_id: int,
    owner: User,
    lines: list[OrderLineInput],
    ordered_on: date,
    promised_on: date,
) -> Order:
    if not lines:
        raise BusinessRuleViolation(_("Give the order at least one line."), details={"field": "lines"})
    problems = {}
    for index, line in enumerate(lines, start=1):
        if line.quantity <= 0 or line.unit_price < 0:
            problems["lines"] = _("Line %(n)s: quantity above zero and a price not below zero.") % {
                "n": index
            }
        elif line.product.company_id != owner.employee.company_id:
            problems["lines"] = _("Line %(n)s: choose a product of the catalogue.") % {"n": index}
    if promised_on < ordered_on:
        problems["promised_on"] = _("Delivery cannot be promised before the order date.")
    if problems:
        raise BusinessRuleViolation(" ".join(problems.values()), details={"fields": problems})
    amount = sum((rules.line_amount(line.quantity, line.unit_price) for line in lines), Decimal(0))
    if amount > rules.MAX_AMOUNT:
        raise BusinessRuleViolation(_("The order total is too large."), details={"field": "lines"})
    if contract is not None:
        # Lock the contract: two orders placed at once must not both use its remaining value.
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        remaining = contract.amount - selectors.contract_ordered_amount(contract)
        if amount > remaining:
            raise BusinessRuleViolation(
                _("The order (%(amount)s) exceeds what is left of contract %(contract)s (%(remaining)s).")
                % {"amount": amount, "contract": contract.number, "remaining": remaining},
                details={"code": "exceeds_contract", "remaining": str(remaining)},
            )
    company = owner.employee.company
    order = Order.objects.create(
        company=company,
        number=next_number(company, ORDER_PREFIX, ordered_on),
        contract=contract,
        repeat_of=repeat_of,
        customer_id=customer_id,
        owner=owner,
        amount=amount,
        ordered_on=ordered_on,
        promised_on=promised_on,
        updated_by=acting_user,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                product=line.product,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=rules.line_amount(line.quantity, line.unit_price),
                unit_cost=line.product.cost,
            )
            for line in lines
        ]
    )
    Shipment.objects.create(order=order, sequence=1, planned_on=promised_on, amount=amount)
    _event(order, OrderEventKind.CREATED, acting_user)
    return order


@transaction.atomic
def create_order(
    *,
    acting_user: User,
    contract: Contract,
    promised_on: date,
    lines: list[OrderLineInput] | None = None,
    ordered_on: date | None = None,
) -> Order:
    """A draft order under a signed contract; without ``lines`` it copies the contract's (from its
    quote or deal). Its total may not exceed the contract's value less its other live orders."""
    access.require(acting_user, "orders.create_order")
    if not access.can(acting_user, "orders.work_contract", contract):
        raise BusinessRuleViolation(_("Choose one of your contracts."), details={"field": "contract"})
    ordered_on = ordered_on or timezone.localdate()
    check_open_for_orders(contract, ordered_on, field="contract")
    lines = _lines_of_contract(contract) if lines is None else lines
    order = _new_order(
        acting_user=acting_user,
        contract=contract,
        repeat_of=None,
        customer_id=contract.customer_id,
        owner=contract.owner,
        lines=lines,
        ordered_on=ordered_on,
        promised_on=promised_on,
    )
    audit.record(acting_user, "order_created", order, details={"contract": contract.pk})
    return order


@transaction.atomic
def create_repeat_order(
    *, acting_user: User, previous: Order, promised_on: date, ordered_on: date | None = None
) -> Order:
    """The same lines again, without a new contract. A supervisor (or above) of the owner confirms it."""
    access.require(acting_user, "orders.create_order")
    if not access.can(acting_user, "orders.work_order", previous):
        raise BusinessRuleViolation(_("Choose one of your orders."), details={"field": "previous"})
    if previous.status in {OrderStatus.DRAFT, OrderStatus.CREDIT_HOLD, OrderStatus.CANCELLED}:
        raise BusinessRuleViolation(
            _("Only a confirmed order can be repeated."), details={"field": "previous"}
        )
    ordered_on = ordered_on or timezone.localdate()
    if previous.contract_id is not None:
        # Repeating skips a new contract, not the end of the old one.
        check_open_for_orders(previous.contract, ordered_on, field="previous")
    lines = [
        OrderLineInput(line.product, line.quantity, line.unit_price)
        for line in previous.lines.select_related("product")
    ]
    order = _new_order(
        acting_user=acting_user,
        contract=None,
        repeat_of=previous,
        customer_id=previous.customer_id,
        owner=previous.owner,
        lines=lines,
        ordered_on=ordered_on,
        promised_on=promised_on,
    )
    audit.record(acting_user, "order_created", order, details={"repeat_of": previous.pk})
    return order


@transaction.atomic
def set_shipments(
    *, acting_user: User, order: Order, expected_version: int, shipments: list[ShipmentInput]
) -> list[Shipment]:
    """Replace the delivery schedule of a draft order: one or more shipments whose values add up
    to the order's."""
    access.require(acting_user, "orders.work_order", order)
    if order.status != OrderStatus.DRAFT:
        raise BusinessRuleViolation(
            _("The schedule is edited while the order is a draft; later, request a delivery change."),
            details={"code": "not_editable"},
        )
    if not shipments:
        raise BusinessRuleViolation(_("Plan at least one shipment."), details={"field": "shipments"})
    if any(s.amount < 0 for s in shipments):
        raise BusinessRuleViolation(_("Amounts cannot be negative."), details={"field": "shipments"})
    total = sum((to_money(s.amount) for s in shipments), Decimal(0))
    if total != order.amount:
        raise BusinessRuleViolation(
            _("The shipments add up to %(total)s; the order is worth %(amount)s.")
            % {"total": total, "amount": order.amount},
            details={"field": "shipments"},
        )
    if any(s.planned_on < order.ordered_on for s in shipments):
        raise BusinessRuleViolation(
            _("A shipment cannot be planned before the order date."), details={"field": "shipments"}
        )
    claim_version(order, expected_version=expected_version, acting_user=acting_user)
    order.shipments.all().delete()
    created = Shipment.objects.bulk_create(
        [
            Shipment(order=order, sequence=index, planned_on=s.planned_on, amount=to_money(s.amount))
            for index, s in enumerate(sorted(shipments, key=lambda s: s.planned_on), start=1)
        ]
    )
    order.promised_on = max(s.planned_on for s in shipments)
    order.save()
    _event(order, OrderEventKind.SHIPMENTS_SET, acting_user, from_status=order.status, note=str(len(created)))
    audit.record(acting_user, "order_shipments_set", order, details={"shipments": len(created)})
    return created


def _move(order: Order, action: str, label, acting_user: User, expected_version: int) -> str:
    target = transition(rules.ORDER_TRANSITIONS, order, action, label)
    claim_version(order, expected_version=expected_version, acting_user=acting_user)
    return target


@transaction.atomic
def start_production(*, acting_user: User, order: Order, expected_version: int) -> Order:
    access.require(acting_user, "orders.work_order", order)
    previous = order.status
    order.status = _move(order, "start_production", _("Starting production"), acting_user, expected_version)
    order.save()
    _event(order, OrderEventKind.PRODUCTION_STARTED, acting_user, from_status=previous)
    audit.record(acting_user, "order_production_started", order)
    return order


@transaction.atomic
def record_progress(*, acting_user: User, order: Order, expected_version: int, percent: int) -> Order:
    access.require(acting_user, "orders.work_order", order)
    if order.status != OrderStatus.IN_PRODUCTION:
        raise BusinessRuleViolation(
            _("Progress is recorded while the order is in production."),
            details={"code": "invalid_transition"},
        )
    if not order.production_progress <= percent <= 100:
        raise BusinessRuleViolation(
            _("Progress goes from %(now)s %% up to 100 %%.") % {"now": order.production_progress},
            details={"field": "percent"},
        )
    claim_version(order, expected_version=expected_version, acting_user=acting_user)
    order.production_progress = percent
    order.save()
    _event(order, OrderEventKind.PROGRESS, acting_user, from_status=order.status, note=f"{percent}%")
    audit.record(acting_user, "order_progress", order, details={"percent": percent})
    return order


@transaction.atomic
def ship_shipment(
    *, acting_user: User, shipment: Shipment, expected_version: int, shipped_on: date | None = None
) -> Order:
    """Record a shipment as shipped; the order becomes partly shipped, or shipped with the last one."""
    order = shipment.order
    access.require(acting_user, "orders.work_order", order)
    shipped_on = shipped_on or timezone.localdate()
    if shipment.status != ShipmentStatus.PLANNED:
        raise BusinessRuleViolation(
            _("This shipment is not waiting to ship."), details={"code": "invalid_transition"}
        )
    if shipped_on > timezone.localdate() or shipped_on < order.ordered_on:
        raise BusinessRuleViolation(
            _("A shipment ships between the order date and today."), details={"field": "shipped_on"}
        )
    previous = order.status
    _move(order, "ship", _("Shipping"), acting_user, expected_version)
    shipment.status = ShipmentStatus.SHIPPED
    shipment.shipped_on = shipped_on
    shipment.save()
    order.status = rules.status_after_shipping(order.shipments.values_list("status", flat=True))
    if order.status == OrderStatus.SHIPPED:
        order.production_progress = 100
    order.save()
    _event(order, OrderEventKind.SHIPPED, acting_user, from_status=previous, note=f"#{shipment.sequence}")
    audit.record(acting_user, "order_shipped", order, details={"shipment": shipment.sequence})
    return order


@transaction.atomic
def complete_order(*, acting_user: User, order: Order, expected_version: int) -> Order:
    access.require(acting_user, "orders.work_order", order)
    previous = order.status
    order.status = _move(order, "complete", _("Completing"), acting_user, expected_version)
    order.save()
    _event(order, OrderEventKind.COMPLETED, acting_user, from_status=previous)
    audit.record(acting_user, "order_completed", order)
    return order


@transaction.atomic
def pause_order(*, acting_user: User, order: Order, expected_version: int, reason: str) -> Order:
    """Pause at the customer's request: the supervisor's decision, with the customer's reason."""
    access.require(acting_user, "orders.pause_order", order)
    if not reason.strip():
        raise BusinessRuleViolation(
            _("Say why the customer asked for the pause."), details={"field": "reason"}
        )
    previous = order.status
    order.status = _move(order, "pause", _("Pausing"), acting_user, expected_version)
    order.paused_from = previous
    order.pause_reason = reason.strip()[:300]
    order.save()
    _event(order, OrderEventKind.PAUSED, acting_user, from_status=previous, note=order.pause_reason)
    audit.record(acting_user, "order_paused", order, details={"reason": order.pause_reason})
    return order


@transaction.atomic
def resume_order(*, acting_user: User, order: Order, expected_version: int, note: str = "") -> Order:
    access.require(acting_user, "orders.pause_order", order)
    if order.status != OrderStatus.PAUSED or order.paused_from not in rules.RESUMABLE:
        raise BusinessRuleViolation(
            _("Only a paused order can be resumed."), details={"code": "invalid_transition"}
        )
    claim_version(order, expected_version=expected_version, acting_user=acting_user)
    order.status = order.paused_from
    order.paused_from = ""
    order.pause_reason = ""
    order.save()
    _event(order, OrderEventKind.RESUMED, acting_user, from_status=OrderStatus.PAUSED, note=note.strip())
    audit.record(acting_user, "order_resumed", order)
    return order


@transaction.atomic
def cancel_order(*, acting_user: User, order: Order, expected_version: int, reason: str) -> Order:
    """Before confirmation the owner cancels; once confirmed, a supervisor or above decides."""
    committed = order.status not in {OrderStatus.DRAFT, OrderStatus.CREDIT_HOLD}
    access.require(acting_user, "orders.pause_order" if committed else "orders.work_order", order)
    if not reason.strip():
        raise BusinessRuleViolation(_("Say why the order is cancelled."), details={"field": "reason"})
    if order.shipments.filter(status=ShipmentStatus.SHIPPED).exists():
        raise BusinessRuleViolation(_("Goods have shipped; the order cannot be cancelled."))
    previous = order.status
    order.status = _move(order, "cancel", _("Cancelling"), acting_user, expected_version)
    order.paused_from = ""
    order.save()
    order.shipments.filter(status=ShipmentStatus.PLANNED).update(status=ShipmentStatus.CANCELLED)
    order.delivery_changes.filter(status=DeliveryChangeStatus.PENDING).update(
        status=DeliveryChangeStatus.REJECTED, decision_note=_("Order cancelled")
    )
    _event(order, OrderEventKind.CANCELLED, acting_user, from_status=previous, note=reason.strip())
    audit.record(acting_user, "order_cancelled", order, details={"reason": reason.strip()})
    return order


@transaction.atomic
def request_delivery_change(
    *, acting_user: User, shipment: Shipment, new_date: date, reason: str
) -> DeliveryChangeRequest:
    """The rep asks to move a planned shipment's date; a manager decides."""
    order = shipment.order
    access.require(acting_user, "orders.work_order", order)
    if order.status not in rules.LIVE_ORDER or shipment.status != ShipmentStatus.PLANNED:
        raise BusinessRuleViolation(
            _("A delivery date changes on a planned shipment of a confirmed order."),
            details={"code": "invalid_transition"},
        )
    if not reason.strip():
        raise BusinessRuleViolation(_("Say why the date must move."), details={"field": "reason"})
    if new_date == shipment.planned_on or new_date < order.ordered_on:
        raise BusinessRuleViolation(
            _("Choose a new date after the order date."), details={"field": "new_date"}
        )
    if shipment.delivery_changes.filter(status=DeliveryChangeStatus.PENDING).exists():
        raise BusinessRuleViolation(
            _("A change of this shipment's date is already waiting for a decision."),
            details={"field": "shipment"},
        )
    change = DeliveryChangeRequest.objects.create(
        order=order,
        shipment=shipment,
        old_date=shipment.planned_on,
        new_date=new_date,
        reason=reason.strip()[:500],
        requested_by=acting_user,
        updated_by=acting_user,
    )
    audit.record(acting_user, "delivery_change_requested", change, details={"order": order.pk})
    return change


@transaction.atomic
def decide_delivery_change(
    *,
    acting_user: User,
    change: DeliveryChangeRequest,
    expected_version: int,
    approve: bool,
    comment: str = "",
) -> DeliveryChangeRequest:
    """The manager approves (the shipment's planned date moves; its original promise stays, and
    on-time delivery is measured against that) or rejects (the date stays)."""
    order = change.order
    access.require(acting_user, "orders.decide_delivery_change", order)
    if change.status != DeliveryChangeStatus.PENDING:
        raise BusinessRuleViolation(
            _("This request was decided already."), details={"code": "invalid_transition"}
        )
    if not approve and not comment.strip():
        raise BusinessRuleViolation(_("Say why the request is rejected."), details={"field": "comment"})
    claim_version(change, expected_version=expected_version, acting_user=acting_user)
    change.status = DeliveryChangeStatus.APPROVED if approve else DeliveryChangeStatus.REJECTED
    change.decided_by = acting_user
    change.decided_at = timezone.now()
    change.decision_note = comment.strip()[:500]
    change.save()
    if approve:
        shipment = change.shipment
        if shipment.status != ShipmentStatus.PLANNED:
            raise BusinessRuleViolation(_("The shipment has shipped or was cancelled meanwhile."))
        shipment.planned_on = change.new_date
        shipment.save()
        planned = order.shipments.exclude(status=ShipmentStatus.CANCELLED).values_list(
            "planned_on", flat=True
        )
        # Only the promised date changes: a field update, so a concurrent edit of the order is kept.
        order.promised_on = max(planned)
        Order.objects.filter(pk=order.pk).update(promised_on=order.promised_on)
        _event(
            order,
            OrderEventKind.DELIVERY_CHANGE,
            acting_user,
            from_status=order.status,
            note=f"#{shipment.sequence}: {change.old_date} → {change.new_date}",
        )
    audit.record(
        acting_user,
        "delivery_change_approved" if approve else "delivery_change_rejected",
        change,
        details={"order": order.pk},
    )
    return change
