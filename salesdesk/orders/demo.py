"""Demo quotes, contracts and orders for a company whose pipeline is built: set-based (bulk_create),
consistent with the services' rules (numbers per company and year, review rounds, a committed
order carries its credit check, shipments add up to the order)."""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from salesdesk.core.money import split_evenly, to_money
from salesdesk.orders import rules
from salesdesk.orders.models import (
    Contract,
    ContractReview,
    ContractStatus,
    ContractVersion,
    DeliveryChangeRequest,
    DiscountLimit,
    DocumentSequence,
    Order,
    OrderEvent,
    OrderLine,
    Quote,
    QuoteApproval,
    QuoteLine,
    Shipment,
)
from salesdesk.orders.services.contracts import STANDARD_DELIVERY_TERMS, STANDARD_PAYMENT_TERMS
from salesdesk.orders.services.review_steps import ensure_review_steps
from salesdesk.org.models import Company, Employee
from salesdesk.pipeline.models import Opportunity, OpportunityLine
from salesdesk.products.models import PriceList, PriceListItem, Product

TIER_DISCOUNT = {"strategic": Decimal("0.92"), "key": Decimal("0.95"), "potential": Decimal("0.98")}


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _numbers(company: Company, prefix: str, days: list[date]) -> list[str]:
    """Numbers for documents dated ``days``, reserved from each year's sequence in one UPDATE."""
    first = {}
    for year, count in Counter(day.year for day in days).items():
        sequence, _created = DocumentSequence.objects.get_or_create(company=company, prefix=prefix, year=year)
        DocumentSequence.objects.filter(pk=sequence.pk).update(last=F("last") + count)
        sequence.refresh_from_db(fields=["last"])
        first[year] = sequence.last - count
    seen: Counter = Counter()
    numbers = []
    for day in days:
        seen[day.year] += 1
        numbers.append(rules.document_number(prefix, day.year, first[day.year] + seen[day.year]))
    return numbers


@transaction.atomic
def build(company: Company, today: date, rng: random.Random) -> None:
    ensure_review_steps(company)
    DiscountLimit.objects.bulk_create(
        [
            DiscountLimit(company=company, role=role, max_discount_percent=limit)
            for role, limit in rules.DEFAULT_DISCOUNT_LIMITS.items()
        ],
        ignore_conflicts=True,
    )
    products = list(Product.objects.filter(company=company, is_active=True))
    for tier, factor in TIER_DISCOUNT.items():
        price_list, _ = PriceList.objects.get_or_create(
            company=company, name=f"{tier} 价目表", defaults={"customer_tier": tier}
        )
        PriceListItem.objects.bulk_create(
            [
                PriceListItem(
                    price_list=price_list,
                    product=p,
                    price=to_money(p.list_price * factor),
                    floor_price=to_money(max(p.cost or 0, p.list_price * factor * Decimal("0.8"))),
                )
                for p in products
                if (p.cost or 0) <= p.list_price * factor
            ],
            ignore_conflicts=True,
        )

    since = today - timedelta(days=730)
    deals = list(
        Opportunity.objects.filter(
            company=company, stage__outcome="won", customer__isnull=False, closed_on__gte=since
        ).order_by("closed_on", "id")
    )
    deals = [d for d in deals if rng.random() < 0.85 and d.amount > 0]
    if not deals:
        return
    lines_by_deal: dict[int, list[OpportunityLine]] = {}
    for line in OpportunityLine.objects.filter(opportunity__in=deals).select_related("product"):
        lines_by_deal.setdefault(line.opportunity_id, []).append(line)
    supervisor_of = dict(
        Employee.objects.filter(company=company, manager__isnull=False).values_list(
            "user_id", "manager__user_id"
        )
    )

    # Quotes: one approved (accepted) quote per deal with lines, plus one awaiting approval.
    quoted = [d for d in deals if d.pk in lines_by_deal]
    quote_days = [max(d.closed_on - timedelta(days=14), d.engaged_on) for d in quoted]
    quotes = Quote.objects.bulk_create(
        [
            Quote(
                company=company,
                number=number,
                opportunity=d,
                customer_id=d.customer_id,
                owner_id=d.owner_id,
                status="accepted",
                valid_until=day + timedelta(days=30),
                list_total=d.amount,
                amount=d.amount,
                updated_by_id=d.owner_id,
            )
            for d, day, number in zip(quoted, quote_days, _numbers(company, "BJ", quote_days), strict=True)
        ]
    )
    QuoteLine.objects.bulk_create(
        [
            QuoteLine(
                quote=q,
                product=line.product,
                quantity=line.quantity,
                list_price=line.unit_price,
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for q in quotes
            for line in lines_by_deal[q.opportunity_id]
        ]
    )
    open_deal = (
        Opportunity.objects.filter(
            company=company, stage__outcome="open", customer__isnull=False, amount__gt=0
        )
        .order_by("-engaged_on")
        .first()
    )
    if open_deal is not None and open_deal.owner_id in supervisor_of:
        [pending] = _numbers(company, "BJ", [today])
        discount = Decimal(8)
        quote = Quote.objects.create(
            company=company,
            number=pending,
            opportunity=open_deal,
            customer_id=open_deal.customer_id,
            owner_id=open_deal.owner_id,
            status="pending_approval",
            valid_until=today + timedelta(days=30),
            list_total=open_deal.amount,
            amount=to_money(open_deal.amount * (100 - discount) / 100),
            discount_percent=discount,
            approver_role="supervisor",
            updated_by_id=open_deal.owner_id,
        )
        QuoteApproval.objects.create(
            quote=quote,
            discount_percent=discount,
            approver_role="supervisor",
            requested_by_id=open_deal.owner_id,
        )

    # Contracts: most signed, a few still in review; one-year terms, some ending within 60 days.
    quote_of = {q.opportunity_id: q for q in quotes}
    statuses = []
    for d in deals:
        recent = (today - d.closed_on).days < 20
        statuses.append(ContractStatus.IN_REVIEW if recent and rng.random() < 0.5 else ContractStatus.SIGNED)
    contract_days = [d.closed_on for d in deals]
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                company=company,
                number=number,
                title=d.name,
                customer_id=d.customer_id,
                opportunity=d,
                quote=quote_of.get(d.pk),
                owner_id=d.owner_id,
                status=status,
                amount=quote_of[d.pk].amount if d.pk in quote_of else d.amount,
                signed_on=d.closed_on if status == ContractStatus.SIGNED else None,
                starts_on=d.closed_on,
                ends_on=d.closed_on + timedelta(days=365),
                payment_days=30,
                payment_terms=STANDARD_PAYMENT_TERMS,
                delivery_terms=STANDARD_DELIVERY_TERMS,
                updated_by_id=d.owner_id,
            )
            for d, status, number in zip(deals, statuses, _numbers(company, "HT", contract_days), strict=True)
        ]
    )
    ContractVersion.objects.bulk_create(
        [
            ContractVersion(
                contract=c,
                number=1,
                terms={"amount": str(c.amount)},
                note="Created",
                created_by_id=c.owner_id,
            )
            for c in contracts
        ]
    )
    reviews = []
    for c in contracts:
        decided = c.status == ContractStatus.SIGNED
        for sequence, name, role in (
            (10, "主管审核 Supervisor review", "supervisor"),
            (40, "财务审核 Finance review", "finance"),
        ):
            reviews.append(
                ContractReview(
                    contract=c,
                    round=1,
                    sequence=sequence,
                    name=name,
                    reviewer_role=role,
                    decision="approved"
                    if decided or (role == "supervisor" and rng.random() < 0.5)
                    else "pending",
                    decided_by_id=supervisor_of.get(c.owner_id) if decided and role == "supervisor" else None,
                    decided_at=_aware(c.signed_on) if decided else None,
                )
            )
    ContractReview.objects.bulk_create(reviews)

    # Orders under signed contracts with lines: shipments in one or two parts, some late.
    signed = [c for c in contracts if c.status == ContractStatus.SIGNED and c.opportunity_id in lines_by_deal]
    order_days = [c.signed_on + timedelta(days=rng.randint(1, 10)) for c in signed]
    order_days = [min(day, today) for day in order_days]
    plans = []
    for c, day in zip(signed, order_days, strict=True):
        promised = day + timedelta(days=rng.randint(20, 60))
        if promised < today - timedelta(days=30):
            status = "completed" if rng.random() < 0.8 else "shipped"
        elif promised < today:
            status = rng.choice(["shipped", "partly_shipped", "in_production"])
        else:
            status = rng.choice(["confirmed", "in_production", "in_production", "draft"])
        plans.append((c, day, promised, status))
    orders = Order.objects.bulk_create(
        [
            Order(
                company=company,
                number=number,
                contract=c,
                customer_id=c.customer_id,
                owner_id=c.owner_id,
                status=status,
                amount=c.amount,
                ordered_on=day,
                promised_on=promised,
                production_progress=100
                if status in ("shipped", "completed")
                else (rng.randint(10, 90) if status == "in_production" else 0),
                credit_checked_at=None if status == "draft" else _aware(day),
                credit_checked_by_id=None if status == "draft" else c.owner_id,
                confirmed_at=None if status == "draft" else _aware(day),
                updated_by_id=c.owner_id,
            )
            for (c, day, promised, status), number in zip(
                plans, _numbers(company, "DD", order_days), strict=True
            )
        ]
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=o,
                product=line.product,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                unit_cost=line.product.cost,
            )
            for o in orders
            for line in lines_by_deal[o.contract.opportunity_id]
        ]
    )
    shipments, events = [], []
    for o, (_c, day, promised, status) in zip(orders, plans, strict=True):
        parts = 2 if rng.random() < 0.4 else 1
        amounts = split_evenly(o.amount, parts)
        dates = [promised - timedelta(days=20), promised] if parts == 2 else [promised]
        for sequence, (planned, amount) in enumerate(zip(dates, amounts, strict=True), start=1):
            shipped = status in ("shipped", "completed") or (status == "partly_shipped" and sequence == 1)
            late = rng.random() < 0.15
            shipped_on = min(
                planned + timedelta(days=rng.randint(1, 12))
                if late
                else planned - timedelta(days=rng.randint(0, 3)),
                today,
            )
            shipments.append(
                Shipment(
                    order=o,
                    sequence=sequence,
                    planned_on=max(planned, day),
                    amount=amount,
                    status="shipped" if shipped else "planned",
                    shipped_on=max(shipped_on, day) if shipped else None,
                )
            )
        events.append(OrderEvent(order=o, kind="created", to_status="draft", by_id=o.owner_id))
    Shipment.objects.bulk_create(shipments)
    OrderEvent.objects.bulk_create(events)
    if len(orders) >= 2 and len(orders) != len([o for o in orders if o.status == "draft"]):
        # An order paused at the customer's request, and one waiting for a delivery change.
        live = [o for o in orders if o.status in ("confirmed", "in_production")]
        if live:
            paused = live[0]
            supervisor = supervisor_of.get(paused.owner_id, paused.owner_id)
            Order.objects.filter(pk=paused.pk).update(
                status="paused",
                paused_from=paused.status,
                pause_reason="客户现场未就绪 Customer site not ready",
            )
            OrderEvent.objects.create(
                order=paused,
                kind="paused",
                from_status=paused.status,
                to_status="paused",
                note="客户现场未就绪 Customer site not ready",
                by_id=supervisor,
            )
        if len(live) > 1:
            order = live[1]
            shipment = Shipment.objects.filter(order=order, status="planned").order_by("sequence").first()
            if shipment is not None:
                DeliveryChangeRequest.objects.create(
                    order=order,
                    shipment=shipment,
                    old_date=shipment.planned_on,
                    new_date=shipment.planned_on + timedelta(days=14),
                    reason="供应商延迟交付 Supplier delay",
                    requested_by_id=order.owner_id,
                    updated_by_id=order.owner_id,
                )
