"""Receivables over HTTP: parse, call a selector or service, return a schema."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import AfterValidator

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.core.money import to_money
from salesdesk.orders.models import Order, OrderStatus, Shipment
from salesdesk.receivables import selectors, services
from salesdesk.receivables.models import (
    CollectionInstalment,
    CreditHoldStatus,
    CreditRating,
    DebtClass,
    InvoiceBasis,
    InvoiceStatus,
    PaymentKind,
    PaymentMethod,
)

router = Router(tags=["receivables"])
ID = Path(..., ge=1, le=MAX_ID)
OPTIONAL_ID = {"ge": 1, "le": MAX_ID}
MONEY = {"gt": 0, "max_digits": 18, "decimal_places": 2}
LIMIT = {"ge": 0, "max_digits": 18, "decimal_places": 2}
VERSION = Field(..., ge=1, le=MAX_ID, description="the version you loaded; a newer one answers 409")
DAY = Field(..., ge=date(2000, 1, 1), le=date(2100, 12, 31))
# Figures computed in SQL (exposure, headroom, sums) come back from SQLite without their scale;
# two places on the way out, so every answer reads "0.00" whatever the database.
Money = Annotated[Decimal, AfterValidator(to_money)]


# Schemas


class InvoiceOut(Schema):
    id: int
    number: str
    customer_id: int
    contract_id: int | None
    order_id: int | None
    shipment_id: int | None
    instalment_id: int | None
    owner_id: int
    basis: InvoiceBasis
    issued_on: date
    due_on: date
    amount: Decimal
    allocated: Decimal
    status: InvoiceStatus
    debt_class: DebtClass
    paid_on: date | None
    version: int


class InvoiceFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="number or customer name contains")
    status: InvoiceStatus | None = None
    customer: int | None = Field(None, **OPTIONAL_ID)
    collector: int | None = Field(None, **OPTIONAL_ID)
    overdue: bool = False


class InvoiceIssueIn(InputSchema):
    basis: InvoiceBasis
    target_id: int = Field(..., ge=1, le=MAX_ID, description="the contract, instalment or shipment invoiced")
    issued_on: date = DAY
    amount: Decimal | None = Field(None, description="leave out to invoice what is left", **MONEY)


class InvoiceCancelIn(InputSchema):
    version: int = VERSION
    reason: str = Field("", max_length=200)


class AllocationOut(Schema):
    id: int
    payment_id: int
    invoice_id: int
    amount: Decimal
    applied_on: date
    created_at: datetime


class PaymentOut(Schema):
    id: int
    number: str
    customer_id: int
    kind: PaymentKind
    method: PaymentMethod
    received_on: date
    amount: Decimal
    allocated: Decimal
    reference: str
    note: str
    version: int


class PaymentFilterIn(InputSchema):
    kind: PaymentKind | None = None
    customer: int | None = Field(None, **OPTIONAL_ID)
    unallocated: bool = False


class PaymentIn(InputSchema):
    customer_id: int = Field(..., ge=1, le=MAX_ID)
    kind: PaymentKind = Field(PaymentKind.RECEIPT, description="receipt or credit_note; refunds use /refunds")
    received_on: date = DAY
    amount: Decimal = Field(..., **MONEY)
    method: PaymentMethod = PaymentMethod.BANK
    reference: str = Field("", max_length=100)
    note: str = Field("", max_length=300)


class RefundIn(InputSchema):
    customer_id: int = Field(..., ge=1, le=MAX_ID)
    refunded_on: date = DAY
    amount: Decimal = Field(..., description="the positive amount paid back", **MONEY)
    method: PaymentMethod = PaymentMethod.BANK
    reference: str = Field("", max_length=100)
    note: str = Field("", max_length=300)


class AllocationLineIn(InputSchema):
    invoice_id: int = Field(..., ge=1, le=MAX_ID)
    amount: Decimal = Field(..., **MONEY)


class AllocateIn(InputSchema):
    applied_on: date = DAY
    lines: list[AllocationLineIn] | None = Field(
        None, max_length=200, description="leave out to allocate automatically, oldest due first"
    )


class UnallocateIn(InputSchema):
    invoice_id: int = Field(..., ge=1, le=MAX_ID)
    applied_on: date = DAY
    amount: Decimal | None = Field(None, description="leave out to reverse all of it", **MONEY)


class CreditProfileOut(Schema):
    id: int
    customer_id: int
    customer_name: str = Field(..., alias="customer.name")
    rating: CreditRating
    credit_limit: Decimal
    payment_days: int
    note: str
    exposure: Money
    headroom: Money
    version: int


class CreditProfileIn(InputSchema):
    rating: CreditRating = CreditRating.B
    credit_limit: Decimal = Field(..., **LIMIT)
    payment_days: int = Field(30, ge=0, le=365)
    note: str = Field("", max_length=2000)
    version: int | None = Field(None, ge=1, le=MAX_ID, description="leave out to create the profile")


class ExposureOut(Schema):
    customer_id: int
    exposure: Money
    credit_limit: Decimal | None


class CreditHoldOut(Schema):
    id: int
    order_id: int
    customer_id: int
    order_amount: Decimal
    exposure: Decimal
    credit_limit: Decimal
    status: CreditHoldStatus
    requested_by_id: int
    requested_at: datetime
    decided_by_id: int | None
    decided_at: datetime | None
    note: str
    version: int


class CreditDecisionIn(InputSchema):
    approve: bool
    note: str = Field("", max_length=300)
    version: int = VERSION


class OrderConfirmIn(InputSchema):
    version: int = VERSION


class OrderConfirmOut(Schema):
    order_id: int
    status: OrderStatus
    confirmed: bool
    credit_hold_id: int | None
    version: int


class InstalmentIn(InputSchema):
    due_on: date = DAY
    amount: Decimal = Field(..., **MONEY)
    remind_days_before: int = Field(7, ge=0, le=365)
    note: str = Field("", max_length=200)


class CollectionPlanIn(InputSchema):
    instalments: list[InstalmentIn] = Field(..., max_length=60)


class InstalmentProgressOut(Schema):
    id: int
    sequence: int
    due_on: date
    remind_days_before: int
    note: str
    planned: Money
    invoiced: Money
    collected: Money


# Routes


def _invoice(request, invoice_id: int):
    return get_object_or_404(selectors.invoice_detail_queryset(request.user), pk=invoice_id)


def _payment(request, payment_id: int):
    return get_object_or_404(selectors.payment_detail_queryset(request.user), pk=payment_id)


def _customer(request, customer_id: int):
    return get_object_or_404(selectors.receivable_customers(request.user), pk=customer_id)


def _contract(request, contract_id: int):
    return get_object_or_404(selectors.contract_detail_queryset(request.user), pk=contract_id)


def _progress(contract) -> list[dict]:
    return [
        {
            "id": p.instalment.pk,
            "sequence": p.instalment.sequence,
            "due_on": p.instalment.due_on,
            "remind_days_before": p.instalment.remind_days_before,
            "note": p.instalment.note,
            "planned": p.planned,
            "invoiced": p.invoiced,
            "collected": p.collected,
        }
        for p in selectors.plan_progress(contract)
    ]


@router.get("/invoices", response={200: Page[InvoiceOut], **ERRORS})
@permission("receivables.view_receivables")
def list_invoices(request, filters: Query[InvoiceFilterIn], paging: Query[PageParams]):
    invoices = selectors.invoice_list(
        request.user,
        selectors.InvoiceFilters(
            status=filters.status or "",
            customer=filters.customer,
            collector=filters.collector,
            overdue=filters.overdue,
            q=filters.q,
        ),
    )
    return page_of(invoices, paging)


@router.post("/invoices", response={201: InvoiceOut, **WRITE_ERRORS})
@permission("receivables.issue_invoice")
def issue_invoice(request, payload: InvoiceIssueIn):
    if payload.basis == InvoiceBasis.CONTRACT:
        target = {"contract": _contract(request, payload.target_id)}
    elif payload.basis == InvoiceBasis.MILESTONE:
        contracts = selectors.contract_detail_queryset(request.user)
        target = {
            "instalment": get_object_or_404(
                CollectionInstalment.objects.filter(contract__in=contracts), pk=payload.target_id
            )
        }
    else:
        orders = Order.objects.filter(access.company_q(request.user))
        target = {
            "shipment": get_object_or_404(Shipment.objects.filter(order__in=orders), pk=payload.target_id)
        }
    invoice = services.issue_invoice(
        acting_user=request.user,
        basis=payload.basis,
        issued_on=payload.issued_on,
        amount=payload.amount,
        **target,
    )
    return Status(201, invoice)


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS})
@permission("receivables.view_receivables")
def get_invoice(request, invoice_id: int = ID):
    return _invoice(request, invoice_id)


@router.get("/invoices/{invoice_id}/allocations", response={200: list[AllocationOut], **ERRORS})
@permission("receivables.view_receivables")
def list_invoice_allocations(request, invoice_id: int = ID):
    return list(selectors.allocations_of_invoice(_invoice(request, invoice_id)))


@router.post("/invoices/{invoice_id}/cancel", response={200: InvoiceOut, **WRITE_ERRORS})
@permission("receivables.issue_invoice")
def cancel_invoice(request, payload: InvoiceCancelIn, invoice_id: int = ID):
    return services.cancel_invoice(
        acting_user=request.user,
        invoice=_invoice(request, invoice_id),
        expected_version=payload.version,
        reason=payload.reason,
    )


@router.get("/payments", response={200: Page[PaymentOut], **ERRORS})
@permission("receivables.view_receivables")
def list_payments(request, filters: Query[PaymentFilterIn], paging: Query[PageParams]):
    payments = selectors.payment_list(
        request.user,
        selectors.PaymentFilters(
            kind=filters.kind or "", customer=filters.customer, unallocated=filters.unallocated
        ),
    )
    return page_of(payments, paging)


@router.post("/payments", response={201: PaymentOut, **WRITE_ERRORS})
@permission("receivables.post_payment")
def post_payment(request, payload: PaymentIn):
    data = payload.model_dump()
    customer = _customer(request, data.pop("customer_id"))
    return Status(201, services.post_payment(acting_user=request.user, customer=customer, **data))


@router.post("/refunds", response={201: PaymentOut, **WRITE_ERRORS})
@permission("receivables.post_payment")
def refund_payment(request, payload: RefundIn):
    data = payload.model_dump()
    customer = _customer(request, data.pop("customer_id"))
    return Status(201, services.refund_payment(acting_user=request.user, customer=customer, **data))


@router.get("/payments/{payment_id}", response={200: PaymentOut, **ERRORS})
@permission("receivables.view_receivables")
def get_payment(request, payment_id: int = ID):
    return _payment(request, payment_id)


@router.get("/payments/{payment_id}/allocations", response={200: list[AllocationOut], **ERRORS})
@permission("receivables.view_receivables")
def list_payment_allocations(request, payment_id: int = ID):
    return list(selectors.allocations_of_payment(_payment(request, payment_id)))


@router.post("/payments/{payment_id}/allocations", response={201: list[AllocationOut], **WRITE_ERRORS})
@permission("receivables.post_payment")
def allocate_payment(request, payload: AllocateIn, payment_id: int = ID):
    payment = _payment(request, payment_id)
    amounts = None
    if payload.lines is not None:
        amounts = [(_invoice(request, line.invoice_id), line.amount) for line in payload.lines]
    rows = services.allocate_payment(
        acting_user=request.user, payment=payment, applied_on=payload.applied_on, amounts=amounts
    )
    return Status(201, rows)


@router.post("/payments/{payment_id}/unallocate", response={201: AllocationOut, **WRITE_ERRORS})
@permission("receivables.post_payment")
def unallocate_payment(request, payload: UnallocateIn, payment_id: int = ID):
    row = services.unallocate_payment(
        acting_user=request.user,
        payment=_payment(request, payment_id),
        invoice=_invoice(request, payload.invoice_id),
        applied_on=payload.applied_on,
        amount=payload.amount,
    )
    return Status(201, row)


@router.get("/credit-profiles", response={200: Page[CreditProfileOut], **ERRORS})
@permission("receivables.view_receivables")
def list_credit_profiles(request, paging: Query[PageParams], q: str = Query("", max_length=100)):
    return page_of(
        selectors.credit_profile_list(request.user, selectors.CreditFilters(q=q.replace("\x00", ""))), paging
    )


@router.put("/credit-profiles/{customer_id}", response={200: CreditProfileOut, **WRITE_ERRORS})
@permission("receivables.manage_credit")
def save_credit_profile(request, payload: CreditProfileIn, customer_id: int = ID):
    data = payload.model_dump()
    services.save_credit_profile(
        acting_user=request.user,
        customer=_customer(request, customer_id),
        expected_version=data.pop("version"),
        **data,
    )
    return selectors.credit_profile_list(request.user).get(customer_id=customer_id)


@router.get("/customers/{customer_id}/exposure", response={200: ExposureOut, **ERRORS})
@permission("receivables.view_receivables")
def customer_exposure(request, customer_id: int = ID):
    customer = _customer(request, customer_id)
    profile = getattr(customer, "credit_profile", None) if hasattr(customer, "credit_profile") else None
    return {
        "customer_id": customer.pk,
        "exposure": selectors.exposure_of(customer),
        "credit_limit": profile.credit_limit if profile else None,
    }


@router.get("/credit-holds", response={200: Page[CreditHoldOut], **ERRORS})
@permission("receivables.view_receivables")
def list_credit_holds(request, paging: Query[PageParams], status: CreditHoldStatus | None = None):
    return page_of(selectors.credit_hold_list(request.user, status or ""), paging)


@router.post("/credit-holds/{hold_id}/decide", response={200: CreditHoldOut, **WRITE_ERRORS})
@permission("receivables.approve_credit")
def decide_credit_hold(request, payload: CreditDecisionIn, hold_id: int = ID):
    hold = get_object_or_404(selectors.credit_hold_list(request.user, ""), pk=hold_id)
    return services.decide_credit_hold(
        acting_user=request.user,
        hold=hold,
        approve=payload.approve,
        note=payload.note,
        expected_version=payload.version,
    )


@router.post("/orders/{order_id}/confirm", response={200: OrderConfirmOut, **WRITE_ERRORS})
@permission("orders.confirm_order")
def confirm_order(request, payload: OrderConfirmIn, order_id: int = ID):
    order = get_object_or_404(Order.objects.visible_to(request.user), pk=order_id)
    result = services.confirm_order(acting_user=request.user, order=order, expected_version=payload.version)
    return {
        "order_id": result.order.pk,
        "status": result.order.status,
        "confirmed": result.confirmed,
        "credit_hold_id": result.hold.pk if result.hold else None,
        "version": result.order.version,
    }


@router.get("/contracts/{contract_id}/plan", response={200: list[InstalmentProgressOut], **ERRORS})
@permission("receivables.view_receivables")
def get_collection_plan(request, contract_id: int = ID):
    return _progress(_contract(request, contract_id))


@router.put("/contracts/{contract_id}/plan", response={200: list[InstalmentProgressOut], **WRITE_ERRORS})
@permission("receivables.plan_collection")
def set_collection_plan(request, payload: CollectionPlanIn, contract_id: int = ID):
    contract = _contract(request, contract_id)
    services.set_collection_plan(
        acting_user=request.user,
        contract=contract,
        instalments=[services.InstalmentInput(**line.model_dump()) for line in payload.instalments],
    )
    return _progress(contract)
