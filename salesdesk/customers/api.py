"""Customers over HTTP: parse, call a selector or service, return a schema."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from salesdesk.core import periods
from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema, Page, PageParams, UserRef, page_of
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.customers import rules, selectors, services
from salesdesk.customers.models import (
    Department,
    Lifecycle,
    Nature,
    OwnershipReason,
    Tier,
    ValueClass,
    VisitChannel,
    VisitStatus,
)

router = Router(tags=["customers"])
ID = Path(..., ge=1, le=MAX_ID)
PERIOD_KEY = r"^(19|20)\d{2}(-W(0[1-9]|[1-4]\d|5[0-3])|-(0[1-9]|1[0-2])|Q[1-4])?$"


class CustomerOut(Schema):
    id: int
    name: str
    tax_id: str
    tier: Tier
    nature: Nature
    lifecycle: Lifecycle
    value_class: str
    city: str
    phone: str
    owner: UserRef | None
    pooled_at: datetime | None
    last_follow_up_on: date | None
    activity_on: date
    version: int
    updated_at: datetime


class CustomerDetailOut(CustomerOut):
    industry: str
    region: str
    address: str
    delivery_address: str
    website: str
    legal_representative: str
    year_established: int | None
    parent_name: str
    service_area: str
    sales_capacity: str
    growth_potential: str
    business_policy: str
    staff_count: int | None
    annual_revenue: Decimal | None
    purchase_history: str
    competitor_relations: str
    cooperation_attitude: str
    trade_terms: str
    credit_status: str
    credit_problems: str
    previous_owner_id: int | None
    service_plan: str | None = None
    visit_interval_days: int | None = None
    pool_after_days: int | None = None
    returns_to_pool_on: date | None = None

    @staticmethod
    def resolve_returns_to_pool_on(obj) -> date | None:
        after = getattr(obj, "pool_after_days", None)
        if obj.owner_id is None or after is None:
            return None
        return rules.returns_to_pool_on(obj.activity_on, after)


def _text(max_length: int, default=None):
    return Field(default, max_length=max_length)


class CustomerFieldsIn(InputSchema):
    tax_id: str | None = _text(30)
    industry: str | None = _text(100)
    region: str | None = _text(100)
    city: str | None = _text(100)
    address: str | None = _text(300)
    delivery_address: str | None = _text(300)
    phone: str | None = _text(50)
    website: str | None = _text(200)
    legal_representative: str | None = _text(100)
    year_established: int | None = Field(None, ge=1800, le=2100)
    parent_name: str | None = _text(200)
    service_area: str | None = _text(200)
    sales_capacity: str | None = _text(5000)
    growth_potential: str | None = _text(5000)
    business_policy: str | None = _text(5000)
    staff_count: int | None = Field(None, ge=0, le=MAX_ID)
    annual_revenue: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2, allow_inf_nan=False)
    purchase_history: str | None = _text(5000)
    competitor_relations: str | None = _text(5000)
    cooperation_attitude: str | None = _text(5000)
    trade_terms: str | None = _text(5000)
    credit_status: str | None = _text(200)
    credit_problems: str | None = _text(5000)
    tier: Tier | None = None
    nature: Nature | None = None
    lifecycle: Lifecycle | None = None
    confirm_not_duplicate: bool = Field(
        False, description="create anyway when a customer of the same name exists (never for the same tax id)"
    )


class CustomerCreateIn(CustomerFieldsIn):
    name: str = Field(..., min_length=1, max_length=200)
    owner_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="a salesperson you lead; yourself by default"
    )


class CustomerUpdateIn(CustomerFieldsIn):
    version: int = Field(..., ge=1, le=MAX_ID, description="the version you loaded; a newer one answers 409")
    name: str | None = Field(None, min_length=1, max_length=200)


NULLABLE = {"year_established", "staff_count", "annual_revenue"}
CHOICES = {"tier", "nature", "lifecycle"}


def _card_fields(data: dict) -> dict:
    """Absent fields stay as they are; null clears a text or number; a class cannot be cleared."""
    return {
        key: ("" if value is None and key not in NULLABLE else value)
        for key, value in data.items()
        if not (value is None and key in CHOICES)
    }


class CustomerFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="name, tax id, phone or city contains")
    tier: Tier | None = None
    nature: Nature | None = None
    lifecycle: Lifecycle | None = None
    value_class: ValueClass | None = None
    holder: Literal["", "mine", "owned", "pool"] = ""
    owner: int | None = Field(None, ge=1, le=MAX_ID, description="owner's user id")


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    title: str
    department: Department
    phone: str
    email: str
    wechat: str
    is_primary: bool
    is_decision_maker: bool
    character: str
    hobbies: str
    background: str
    version: int


class ContactFieldsIn(InputSchema):
    title: str | None = _text(100)
    department: Department | None = None
    phone: str | None = _text(50)
    email: str | None = _text(254)
    wechat: str | None = _text(100)
    is_primary: bool | None = None
    is_decision_maker: bool | None = None
    character: str | None = _text(5000)
    hobbies: str | None = _text(5000)
    background: str | None = _text(5000)


class ContactCreateIn(ContactFieldsIn):
    name: str = Field(..., min_length=1, max_length=100)


class ContactUpdateIn(ContactFieldsIn):
    version: int = Field(..., ge=1, le=MAX_ID)
    name: str | None = Field(None, min_length=1, max_length=100)


def _contact_fields(data: dict) -> dict:
    return {
        key: ("" if value is None else value)
        for key, value in data.items()
        if not (value is None and key in {"department", "is_primary", "is_decision_maker"})
    }


class VisitOut(Schema):
    id: int
    customer_id: int
    customer_name: str = Field(..., alias="customer.name")
    contact_id: int | None
    owner: UserRef
    status: VisitStatus
    channel: VisitChannel
    planned_on: date
    done_on: date | None
    purpose: str
    outcome: str
    next_step: str
    next_on: date | None
    cancel_reason: str


class VisitPlanIn(InputSchema):
    planned_on: date
    purpose: str = Field(..., min_length=1, max_length=300)
    channel: VisitChannel = VisitChannel.ON_SITE
    contact_id: int | None = Field(None, ge=1, le=MAX_ID)


class VisitCompleteIn(InputSchema):
    done_on: date
    outcome: str = Field(..., min_length=1, max_length=5000)
    next_step: str = Field("", max_length=300)
    next_on: date | None = None


class VisitCancelIn(InputSchema):
    reason: str = Field("", max_length=300)


class VisitFilterIn(InputSchema):
    status: VisitStatus | None = None
    customer: int | None = Field(None, ge=1, le=MAX_ID)
    owner: int | None = Field(None, ge=1, le=MAX_ID)
    date_from: date | None = None
    date_to: date | None = None


class DueOut(Schema):
    customer: CustomerOut
    service_plan: str | None
    due_on: date
    days_overdue: int


class OwnershipChangeOut(Schema):
    id: int
    from_owner: UserRef | None
    to_owner: UserRef | None
    reason: OwnershipReason
    note: str
    changed_by: UserRef | None
    changed_at: datetime


class ReleaseIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=300)


class ReassignIn(InputSchema):
    owner_id: int = Field(..., ge=1, le=MAX_ID, description="the new owner's user id")
    note: str = Field("", max_length=300)


class ReportIn(InputSchema):
    period: str = Field(
        "", max_length=10, pattern=PERIOD_KEY, description="2026, 2026Q3, 2026-07 or 2026-W31"
    )
    by: Literal["day", "week"] = "day"


class OutcomeOut(Schema):
    customer: str
    outcome: str


class VisitReportRowOut(Schema):
    owner: UserRef
    start: date
    planned: int
    done: int
    cancelled: int
    customers_touched: int
    outcomes: list[OutcomeOut]

    @staticmethod
    def resolve_outcomes(obj) -> list[dict]:
        return [{"customer": name, "outcome": outcome} for name, outcome in obj.outcomes]


class VisitReportOut(Schema):
    period: str
    start: date
    end: date
    by: str
    rows: list[VisitReportRowOut]


def _customer(request, customer_id: int):
    return get_object_or_404(selectors.customer_detail_queryset(request.user), pk=customer_id)


def _detail(request, customer_id: int):
    return selectors.customer_detail_queryset(request.user).get(pk=customer_id)


def _new_owner(request, user_id: int):
    return get_object_or_404(selectors.owner_candidates(request.user), user_id=user_id).user


# Policies (directors and administrators)


class TierPolicyOut(Schema):
    tier: Tier
    service_plan: str
    visit_interval_days: int
    pool_after_days: int
    warn_days_before: int


class CustomerPolicyOut(Schema):
    a_share: int
    b_share: int
    pool_claim_cap: int
    pool_cooldown_days: int


class CustomerPoliciesOut(Schema):
    policy: CustomerPolicyOut
    tiers: list[TierPolicyOut]


DAYS = {"ge": 0, "le": rules.MAX_POLICY_DAYS}


class TierPolicyIn(InputSchema):
    service_plan: str = Field(..., min_length=1, max_length=300)
    visit_interval_days: int = Field(..., **DAYS, description="1 or more")
    pool_after_days: int = Field(..., **DAYS)
    warn_days_before: int = Field(..., **DAYS, description="fewer than pool_after_days")


class CustomerPolicyIn(InputSchema):
    a_share: int = Field(..., ge=0, le=100, description="below b_share")
    b_share: int = Field(..., ge=0, le=100)
    pool_claim_cap: int = Field(..., ge=0, le=rules.MAX_POOL_CLAIM_CAP, description="1 or more")
    pool_cooldown_days: int = Field(..., **DAYS)


def _policies(request) -> dict:
    company = request.user.employee.company
    services.ensure_customer_policies(company)
    return {"policy": selectors.customer_policy(company.pk), "tiers": selectors.tier_policies(company.pk)}


@router.get("/policies", response={200: CustomerPoliciesOut, **ERRORS})
@permission("customers.configure_customers")
def get_policies(request):
    return _policies(request)


@router.put("/policies", response={200: CustomerPoliciesOut, **WRITE_ERRORS})
@permission("customers.configure_customers")
def update_customer_policy(request, payload: CustomerPolicyIn):
    policy = _policies(request)["policy"]
    services.update_customer_policy(acting_user=request.user, policy=policy, changes=payload.model_dump())
    return _policies(request)


@router.put("/policies/tiers/{tier}", response={200: TierPolicyOut, **WRITE_ERRORS})
@permission("customers.configure_customers")
def update_tier_policy(request, payload: TierPolicyIn, tier: Tier):
    policy = next(p for p in _policies(request)["tiers"] if p.tier == tier)
    return services.update_tier_policy(acting_user=request.user, policy=policy, changes=payload.model_dump())


# Literal paths first: "/{customer_id}" would otherwise take "pool" for an id.


class PoolFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="name, city or phone contains")


@router.get("/pool", response={200: Page[CustomerOut], **ERRORS})
@permission("customers.view_customers")
def list_pool(request, filters: Query[PoolFilterIn], paging: Query[PageParams]):
    return page_of(selectors.pool(request.user, filters.q), paging)


@router.get("/pool-warnings", response={200: Page[CustomerDetailOut], **ERRORS})
@permission("customers.view_customers")
def list_pool_warnings(request, paging: Query[PageParams]):
    return page_of(selectors.pool_warnings(today=timezone.localdate(), user=request.user), paging)


@router.get("/visits", response={200: Page[VisitOut], **ERRORS})
@permission("customers.view_customers")
def list_visits(request, filters: Query[VisitFilterIn], paging: Query[PageParams]):
    data = filters.model_dump()
    data["status"] = data["status"] or ""
    return page_of(selectors.visit_list(request.user, selectors.VisitFilters(**data)), paging)


@router.get("/visits/due", response={200: Page[DueOut], **ERRORS})
@permission("customers.view_customers")
def list_visits_due(request, paging: Query[PageParams]):
    today = timezone.localdate()
    page = page_of(selectors.visits_due(request.user, today), paging)
    page["items"] = [
        {
            "customer": c,
            "service_plan": c.service_plan,
            "due_on": rules.visit_due_on(c.activity_on, c.visit_interval_days),
            "days_overdue": rules.days_overdue(c.activity_on, c.visit_interval_days, today),
        }
        for c in page["items"]
    ]
    return page


@router.post("/visits/{visit_id}/complete", response={200: VisitOut, **WRITE_ERRORS})
@permission("customers.log_visit")
def complete_visit(request, payload: VisitCompleteIn, visit_id: int = ID):
    visit = get_object_or_404(selectors.visit_detail_queryset(request.user), pk=visit_id)
    services.complete_visit(acting_user=request.user, visit=visit, **payload.model_dump())
    return selectors.visit_detail_queryset(request.user).get(pk=visit_id)


@router.post("/visits/{visit_id}/cancel", response={200: VisitOut, **WRITE_ERRORS})
@permission("customers.log_visit")
def cancel_visit(request, payload: VisitCancelIn, visit_id: int = ID):
    visit = get_object_or_404(selectors.visit_detail_queryset(request.user), pk=visit_id)
    services.cancel_visit(acting_user=request.user, visit=visit, reason=payload.reason)
    return selectors.visit_detail_queryset(request.user).get(pk=visit_id)


@router.get("/visit-report", response={200: VisitReportOut, **ERRORS})
@permission("customers.view_customers")
def visit_report(request, params: Query[ReportIn]):
    try:
        period = (
            periods.parse(params.period)
            if params.period
            else periods.period_of(timezone.localdate(), periods.Granularity.WEEK)
        )
    except (periods.InvalidPeriod, ValueError) as exc:
        raise BusinessRuleViolation(
            _("This is not a period (2026, 2026Q3, 2026-07 or 2026-W31)."), details={"field": "period"}
        ) from exc
    return {
        "period": period.key,
        "start": period.start,
        "end": period.end,
        "by": params.by,
        "rows": selectors.visit_report(request.user, period=period, by=params.by),
    }


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **WRITE_ERRORS})
@permission("customers.change_customer")
def update_contact(request, payload: ContactUpdateIn, contact_id: int = ID):
    contact = get_object_or_404(selectors.contact_detail_queryset(request.user), pk=contact_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    return services.update_contact(
        acting_user=request.user, contact=contact, expected_version=version, changes=_contact_fields(data)
    )


@router.get("", response={200: Page[CustomerOut], **ERRORS})
@permission("customers.view_customers")
def list_customers(request, filters: Query[CustomerFilterIn], paging: Query[PageParams]):
    data = {key: value or "" for key, value in filters.model_dump().items() if key != "owner"}
    customers = selectors.customer_list(request.user, selectors.CustomerFilters(**data, owner=filters.owner))
    return page_of(customers, paging)


@router.post("", response={201: CustomerDetailOut, **WRITE_ERRORS})
@permission("customers.create_customer")
def create_customer(request, payload: CustomerCreateIn):
    data = payload.model_dump(exclude_unset=True)
    owner_id = data.pop("owner_id", None)
    confirm = data.pop("confirm_not_duplicate", False)
    name = data.pop("name")
    customer = services.create_customer(
        acting_user=request.user,
        name=name,
        owner=_new_owner(request, owner_id) if owner_id else None,
        confirm_not_duplicate=confirm,
        **_card_fields(data),
    )
    return Status(201, _detail(request, customer.pk))


@router.get("/{customer_id}", response={200: CustomerDetailOut, **ERRORS})
@permission("customers.view_customers")
def get_customer(request, customer_id: int = ID):
    return _customer(request, customer_id)


@router.patch("/{customer_id}", response={200: CustomerDetailOut, **WRITE_ERRORS})
@permission("customers.change_customer")
def update_customer(request, payload: CustomerUpdateIn, customer_id: int = ID):
    customer = _customer(request, customer_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    confirm = data.pop("confirm_not_duplicate", False)
    services.update_customer(
        acting_user=request.user,
        customer=customer,
        expected_version=version,
        changes=_card_fields(data),
        confirm_not_duplicate=confirm,
    )
    return _detail(request, customer.pk)


@router.get("/{customer_id}/contacts", response={200: list[ContactOut], **ERRORS})
@permission("customers.view_customers")
def list_contacts(request, customer_id: int = ID):
    return list(selectors.contacts(request.user, _customer(request, customer_id)))


@router.post("/{customer_id}/contacts", response={201: ContactOut, **WRITE_ERRORS})
@permission("customers.change_customer")
def add_contact(request, payload: ContactCreateIn, customer_id: int = ID):
    data = payload.model_dump(exclude_unset=True)
    name = data.pop("name")
    contact = services.add_contact(
        acting_user=request.user, customer=_customer(request, customer_id), name=name, **_contact_fields(data)
    )
    return Status(201, contact)


@router.get("/{customer_id}/visits", response={200: Page[VisitOut], **ERRORS})
@permission("customers.view_customers")
def list_customer_visits(request, paging: Query[PageParams], customer_id: int = ID):
    customer = _customer(request, customer_id)
    return page_of(selectors.visit_list(request.user, selectors.VisitFilters(customer=customer.pk)), paging)


@router.post("/{customer_id}/visits", response={201: VisitOut, **WRITE_ERRORS})
@permission("customers.log_visit")
def plan_visit(request, payload: VisitPlanIn, customer_id: int = ID):
    customer = _customer(request, customer_id)
    contact = (
        get_object_or_404(selectors.contacts(request.user, customer), pk=payload.contact_id)
        if payload.contact_id
        else None
    )
    visit = services.plan_visit(
        acting_user=request.user,
        customer=customer,
        planned_on=payload.planned_on,
        purpose=payload.purpose,
        channel=payload.channel,
        contact=contact,
    )
    return Status(201, selectors.visit_detail_queryset(request.user).get(pk=visit.pk))


@router.get("/{customer_id}/ownership-changes", response={200: list[OwnershipChangeOut], **ERRORS})
@permission("customers.view_customers")
def list_ownership_changes(request, customer_id: int = ID):
    return list(selectors.ownership_changes(_customer(request, customer_id))[:200])


@router.post("/{customer_id}/claim", response={200: CustomerDetailOut, **WRITE_ERRORS})
@permission("customers.claim_customer")
def claim_customer(request, customer_id: int = ID):
    customer = services.claim_customer(acting_user=request.user, customer=_customer(request, customer_id))
    return _detail(request, customer.pk)


@router.post("/{customer_id}/release", response={200: CustomerDetailOut, **WRITE_ERRORS})
@permission("customers.release_customer")
def release_customer(request, payload: ReleaseIn, customer_id: int = ID):
    customer = services.release_customer(
        acting_user=request.user, customer=_customer(request, customer_id), reason=payload.reason
    )
    return _detail(request, customer.pk)


@router.post("/{customer_id}/reassign", response={200: CustomerDetailOut, **WRITE_ERRORS})
@permission("customers.change_owner")
def reassign_customer(request, payload: ReassignIn, customer_id: int = ID):
    customer = _customer(request, customer_id)
    services.change_owner(
        acting_user=request.user,
        customer=customer,
        new_owner=_new_owner(request, payload.owner_id),
        note=payload.note,
    )
    return _detail(request, customer.pk)
