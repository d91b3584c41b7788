"""Contracts over HTTP: list, renewals, read, create, edit, the review workflow (submit, review,
sign, terminate), comments and versions."""

from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.orders import selectors, services
from salesdesk.orders.api.common import (
    ID,
    MONEY,
    REF,
    VERSION,
    OrdersVersionIn,
    Route,
    add_transitions,
    router,
)
from salesdesk.orders.models import ContractStatus
from salesdesk.pipeline import selectors as pipeline


class ContractRowOut(Schema):
    id: int
    number: str
    title: str
    customer_id: int
    opportunity_id: int | None
    quote_id: int | None
    owner_id: int
    status: ContractStatus
    amount: Decimal
    signed_on: date | None
    starts_on: date | None
    ends_on: date | None
    version: int


class ContractReviewOut(Schema):
    id: int
    round: int
    sequence: int
    name: str
    reviewer_role: str
    reviewer_id: int | None
    decision: str
    decided_by_id: int | None
    decided_at: datetime | None
    comment: str


class ContractDetailOut(ContractRowOut):
    payment_days: int
    payment_terms: str
    delivery_terms: str
    is_standard_terms: bool
    renewal_of_id: int | None
    terminated_on: date | None
    termination_reason: str
    terminated_by_id: int | None
    reviews: list[ContractReviewOut]


class ContractFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="number or title contains")
    status: ContractStatus | None = None
    customer: int | None = Field(None, **REF)


class ContractCreateIn(InputSchema):
    opportunity_id: int | None = Field(None, **REF, description="a won deal")
    quote_id: int | None = Field(None, **REF, description="an approved quote; its total is the value")
    title: str = Field("", max_length=200)
    amount: Decimal | None = Field(None, **MONEY, description="for a deal: defaults to its amount")
    starts_on: date | None = None
    ends_on: date | None = None
    payment_days: int = Field(30, ge=0, le=365)
    payment_terms: str = Field("", max_length=2000)
    delivery_terms: str = Field("", max_length=2000)
    renewal_of_id: int | None = Field(None, **REF)


class ContractUpdateIn(InputSchema):
    version: int = VERSION
    title: str | None = Field(None, min_length=1, max_length=200)
    amount: Decimal | None = Field(None, **MONEY)
    starts_on: date | None = None
    ends_on: date | None = None
    payment_days: int | None = Field(None, ge=0, le=365)
    payment_terms: str | None = Field(None, max_length=2000)
    delivery_terms: str | None = Field(None, max_length=2000)


class ContractReviewIn(InputSchema):
    version: int = VERSION
    approve: bool
    comment: str = Field("", max_length=500)


class ContractSignIn(InputSchema):
    version: int = VERSION
    signed_on: date


class ContractTerminateIn(InputSchema):
    version: int = VERSION
    reason: str = Field(..., min_length=1, max_length=500)
    terminated_on: date | None = Field(None, description="the day it ends; today when left out")


class ContractCommentIn(InputSchema):
    body: str = Field(..., min_length=1, max_length=5000)


class ContractCommentOut(Schema):
    id: int
    author_id: int
    body: str
    created_at: datetime


class ContractVersionOut(Schema):
    number: int
    terms: dict
    note: str
    created_by_id: int
    created_at: datetime


class RenewalFilterIn(InputSchema):
    days: int = Field(60, ge=1, le=365, description="ending within this many days")


class RenewalRateIn(InputSchema):
    start: date
    end: date
    tier: str = Field("strategic", max_length=20)


class RenewalRateOut(Schema):
    ending: int
    renewed: int
    rate: Decimal | None = Field(None, description="percent")


def _contract(request, contract_id: int):
    return get_object_or_404(selectors.contract_detail_queryset(request.user), pk=contract_id)


def _detail(request, contract_id: int) -> dict:
    contract = _contract(request, contract_id)
    return ContractRowOut.from_orm(contract).model_dump() | {
        "payment_days": contract.payment_days,
        "payment_terms": contract.payment_terms,
        "delivery_terms": contract.delivery_terms,
        "is_standard_terms": contract.is_standard_terms,
        "renewal_of_id": contract.renewal_of_id,
        "terminated_on": contract.terminated_on,
        "termination_reason": contract.termination_reason,
        "terminated_by_id": contract.terminated_by_id,
        "reviews": list(selectors.contract_reviews(contract)),
    }


@router.get("/contracts", response={200: Page[ContractRowOut], **ERRORS})
@permission("orders.view_orders")
def list_contracts(request, filters: Query[ContractFilterIn], paging: Query[PageParams]):
    contracts = selectors.contract_list(
        request.user,
        selectors.ContractFilters(q=filters.q, status=filters.status or "", customer=filters.customer),
    )
    return page_of(contracts, paging)


@router.get("/contracts/renewals", response={200: Page[ContractRowOut], **ERRORS})
@permission("orders.view_orders")
def list_renewals(request, filters: Query[RenewalFilterIn], paging: Query[PageParams]):
    return page_of(
        selectors.renewals(request.user, today=timezone.localdate(), within_days=filters.days), paging
    )


@router.get("/contracts/renewal-rate", response={200: RenewalRateOut, **ERRORS})
@permission("orders.view_orders")
def get_renewal_rate(request, filters: Query[RenewalRateIn]):
    figure = selectors.renewal_rate(request.user, start=filters.start, end=filters.end, tier=filters.tier)
    return {"ending": figure.ending, "renewed": figure.renewed, "rate": figure.rate}


@router.get("/contracts/{contract_id}", response={200: ContractDetailOut, **ERRORS})
@permission("orders.view_orders")
def get_contract(request, contract_id: int = ID):
    return _detail(request, contract_id)


@router.post("/contracts", response={201: ContractDetailOut, **WRITE_ERRORS})
@permission("orders.create_contract")
def create_contract(request, payload: ContractCreateIn):
    data = payload.model_dump()
    quote_id, opportunity_id, renewal_id = (
        data.pop("quote_id"),
        data.pop("opportunity_id"),
        data.pop("renewal_of_id"),
    )
    quote = (
        get_object_or_404(selectors.quote_detail_queryset(request.user), pk=quote_id) if quote_id else None
    )
    opportunity = (
        get_object_or_404(pipeline.opportunity_detail_queryset(request.user), pk=opportunity_id)
        if opportunity_id and quote is None
        else None
    )
    renewal_of = _contract(request, renewal_id) if renewal_id else None
    contract = services.create_contract(
        acting_user=request.user, quote=quote, opportunity=opportunity, renewal_of=renewal_of, **data
    )
    return Status(201, _detail(request, contract.pk))


@router.patch("/contracts/{contract_id}", response={200: ContractDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def update_contract(request, payload: ContractUpdateIn, contract_id: int = ID):
    contract = _contract(request, contract_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    data = {k: v for k, v in data.items() if v is not None or k in ("starts_on", "ends_on")}
    services.update_contract(
        acting_user=request.user, contract=contract, expected_version=version, changes=data
    )
    return _detail(request, contract_id)


@router.get("/contracts/{contract_id}/comments", response={200: list[ContractCommentOut], **ERRORS})
@permission("orders.view_orders")
def list_contract_comments(request, contract_id: int = ID):
    return list(selectors.contract_comments(_contract(request, contract_id)))


@router.post("/contracts/{contract_id}/comments", response={201: ContractCommentOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def add_contract_comment(request, payload: ContractCommentIn, contract_id: int = ID):
    comment = services.add_comment(
        acting_user=request.user, contract=_contract(request, contract_id), body=payload.body
    )
    return Status(201, comment)


@router.get("/contracts/{contract_id}/versions", response={200: list[ContractVersionOut], **ERRORS})
@permission("orders.view_orders")
def list_contract_versions(request, contract_id: int = ID):
    return list(selectors.contract_versions(_contract(request, contract_id)))


add_transitions(
    [
        Route("submit_contract", "/contracts/{contract_id}/submit", "submit_contract", OrdersVersionIn),
        Route("review_contract", "/contracts/{contract_id}/review", "review_contract", ContractReviewIn),
        Route("sign_contract", "/contracts/{contract_id}/sign", "sign_contract", ContractSignIn),
        Route(
            "terminate_contract",
            "/contracts/{contract_id}/terminate",
            "terminate_contract",
            ContractTerminateIn,
        ),
    ],
    out=ContractDetailOut,
    detail=_detail,
)
