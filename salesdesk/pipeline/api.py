"""Leads and deals over HTTP: parse, call a selector or service, return a schema."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import BaseModel

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.customers import selectors as customers
from salesdesk.pipeline import selectors, services
from salesdesk.pipeline.models import ForecastCategory, LeadSource, LeadStatus, StageOutcome
from salesdesk.pipeline.querysets import company_id_of
from salesdesk.products import selectors as products

router = Router(tags=["pipeline"])
ID = Path(..., ge=1, le=MAX_ID)
OPTIONAL_ID = {"ge": 1, "le": MAX_ID}
MONEY = {"ge": 0, "max_digits": 18, "decimal_places": 2}
VERSION = Field(..., ge=1, le=MAX_ID, description="the version you loaded; a newer one answers 409")


class StageOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    position: int
    probability: int
    forecast_category: ForecastCategory
    outcome: StageOutcome


class LossReasonOut(Schema):
    id: int
    code: str
    name: str
    name_en: str


class StageSettingOut(StageOut):
    is_active: bool
    open_deals: int = Field(0, description="deals at this stage now (open stages only)")


class StageCreateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=50, description="the Chinese name")
    name_en: str = Field(..., min_length=1, max_length=50)
    probability: int = Field(..., ge=0, le=100)
    forecast_category: ForecastCategory = ForecastCategory.PIPELINE
    outcome: StageOutcome = Field(
        StageOutcome.OPEN, description="always open: a pipeline has exactly one won and one lost stage"
    )
    position: int | None = Field(
        None, ge=1, le=1000, description="1-based place among the open stages; leave out to add it last"
    )


class StageUpdateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=50)
    name_en: str = Field(..., min_length=1, max_length=50)
    probability: int = Field(..., ge=0, le=100, description="won is always 100, lost always 0")
    forecast_category: ForecastCategory
    is_active: bool = Field(..., description="open stages without open deals only; never won or lost")


class StageMoveIn(InputSchema):
    direction: Literal["up", "down"]


class LossReasonSettingOut(LossReasonOut):
    is_active: bool


class LossReasonCreateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100, description="the Chinese name")
    name_en: str = Field("", max_length=100)


class LossReasonUpdateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    is_active: bool


class LeadOut(Schema):
    id: int
    company_name: str
    contact_name: str
    contact_title: str
    phone: str
    email: str
    region: str
    industry: str
    source: LeadSource
    campaign: str
    need: str
    estimated_amount: Decimal | None
    team_id: int | None
    owner_id: int | None
    status: LeadStatus
    disqualify_reason: str
    customer_id: int | None
    created_at: datetime
    assigned_at: datetime | None
    converted_at: datetime | None
    version: int


class LeadFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="company, contact, phone or campaign contains")
    status: LeadStatus | None = None
    source: LeadSource | None = None
    owner: int | None = Field(None, **OPTIONAL_ID)
    unassigned: bool = False


class LeadFieldsIn(InputSchema):
    contact_name: str = Field("", max_length=100)
    contact_title: str = Field("", max_length=100)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    region: str = Field("", max_length=100)
    industry: str = Field("", max_length=100)
    source: LeadSource = LeadSource.OTHER
    campaign: str = Field("", max_length=200)
    need: str = Field("", max_length=2000)
    estimated_amount: Decimal | None = Field(None, **MONEY)


class LeadCreateIn(LeadFieldsIn):
    company_name: str = Field(..., min_length=1, max_length=200)
    owner_id: int | None = Field(None, **OPTIONAL_ID, description="hand the lead to this salesperson")
    team_id: int | None = Field(None, **OPTIONAL_ID, description="the team the lead belongs to")
    round_robin: bool = Field(False, description="give it to the team's next rep")


class LeadUpdateIn(InputSchema):
    version: int = VERSION
    company_name: str | None = Field(None, min_length=1, max_length=200)
    contact_name: str | None = Field(None, max_length=100)
    contact_title: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=50)
    email: str | None = Field(None, max_length=254)
    region: str | None = Field(None, max_length=100)
    industry: str | None = Field(None, max_length=100)
    source: LeadSource | None = None
    campaign: str | None = Field(None, max_length=200)
    need: str | None = Field(None, max_length=2000)
    estimated_amount: Decimal | None = Field(None, **MONEY)


class QualifyIn(InputSchema):
    version: int = VERSION
    status: LeadStatus
    reason: str = Field("", max_length=200)


class AssignIn(InputSchema):
    version: int = VERSION
    owner_id: int | None = Field(
        None, **OPTIONAL_ID, description="the salesperson; leave out for round-robin"
    )
    team_id: int | None = Field(
        None, **OPTIONAL_ID, description="round-robin in this team (default: the lead's)"
    )


class ConvertIn(InputSchema):
    version: int = VERSION
    customer_id: int | None = Field(
        None, **OPTIONAL_ID, description="an existing customer; leave out to create one"
    )
    confirm_not_duplicate: bool = False
    opportunity_name: str = Field("", max_length=200)
    amount: Decimal | None = Field(None, **MONEY)
    expected_close_on: date | None = None


class LineOut(Schema):
    id: int
    product_id: int
    product_name: str = Field(..., alias="product.name")
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class SplitOut(Schema):
    user_id: int
    percent: Decimal


class OpportunityOut(Schema):
    id: int
    name: str
    customer_id: int | None
    customer_name: str | None = None
    owner_id: int
    lead_id: int | None
    stage_id: int
    stage_code: str = Field(..., alias="stage.code")
    amount: Decimal
    probability: int
    expected_close_on: date | None
    engaged_on: date
    closed_on: date | None
    competitor: str
    loss_reason_id: int | None
    loss_note: str
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_customer_name(obj) -> str | None:
        return obj.customer.name if obj.customer_id else None


class OpportunityRowOut(BaseModel):
    """A list row, validated from selectors.opportunity_rows (plain pydantic: ninja's Schema would
    resolve every field through an attribute getter meant for ORM objects)."""

    id: int
    name: str
    customer_id: int | None
    customer_name: str | None = None
    owner_id: int
    lead_id: int | None
    stage_id: int
    stage_code: str
    amount: Decimal
    probability: int
    expected_close_on: date | None
    engaged_on: date
    closed_on: date | None
    competitor: str
    loss_reason_id: int | None
    loss_note: str
    version: int
    updated_at: datetime


class OpportunityDetailOut(OpportunityOut):
    lines: list[LineOut]
    credit_splits: list[SplitOut]

    @staticmethod
    def resolve_lines(obj):
        return list(selectors.lines(obj))

    @staticmethod
    def resolve_credit_splits(obj):
        return list(selectors.credit_splits(obj))


class StageChangeOut(Schema):
    id: int
    from_stage_id: int | None
    to_stage_id: int
    changed_at: datetime
    changed_by_id: int | None


class OpportunityFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="name, customer or competitor contains")
    owner: int | None = Field(None, **OPTIONAL_ID)
    stage: int | None = Field(None, **OPTIONAL_ID)
    customer: int | None = Field(None, **OPTIONAL_ID)
    close_from: date | None = None
    close_to: date | None = None
    outcome: StageOutcome | None = None


class OpportunityCreateIn(InputSchema):
    customer_id: int = Field(..., **OPTIONAL_ID)
    name: str = Field(..., min_length=1, max_length=200)
    owner_id: int | None = Field(None, **OPTIONAL_ID)
    amount: Decimal = Field(Decimal(0), **MONEY)
    expected_close_on: date | None = None
    competitor: str = Field("", max_length=200)


class OpportunityUpdateIn(InputSchema):
    version: int = VERSION
    name: str | None = Field(None, min_length=1, max_length=200)
    amount: Decimal | None = Field(None, **MONEY)
    expected_close_on: date | None = None
    competitor: str | None = Field(None, max_length=200)


class MoveIn(InputSchema):
    version: int = VERSION
    stage_id: int = Field(..., **OPTIONAL_ID)
    loss_reason_id: int | None = Field(
        None, **OPTIONAL_ID, description="required when moving to the lost stage"
    )
    loss_note: str = Field("", max_length=2000)


class LineIn(InputSchema):
    product_id: int = Field(..., **OPTIONAL_ID)
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)
    unit_price: Decimal | None = Field(None, **MONEY, description="leave out for the list price")


class LinesIn(InputSchema):
    version: int = VERSION
    lines: list[LineIn] = Field(..., max_length=100)


class SplitIn(InputSchema):
    user_id: int = Field(..., **OPTIONAL_ID)
    percent: Decimal = Field(..., gt=0, le=100, max_digits=5, decimal_places=2)


class SplitsIn(InputSchema):
    version: int = VERSION
    splits: list[SplitIn] = Field(..., max_length=20)


def _lead(request, lead_id: int):
    return get_object_or_404(selectors.lead_detail_queryset(request.user), pk=lead_id)


def _deal(request, opportunity_id: int):
    return get_object_or_404(selectors.opportunity_detail_queryset(request.user), pk=opportunity_id)


def _person(request, user_id: int):
    return get_object_or_404(selectors.assignable_people(request.user), user_id=user_id).user


def _team(request, team_id: int):
    return get_object_or_404(selectors.teams(request.user), pk=team_id)


def _fresh_deal(request, deal):
    return selectors.opportunity_detail_queryset(request.user).get(pk=deal.pk)


@router.get("/stages", response={200: list[StageOut], **ERRORS})
@permission("pipeline.view_pipeline")
def list_stages(request):
    return list(selectors.stages(company_id_of(request.user)))


@router.get("/loss-reasons", response={200: list[LossReasonOut], **ERRORS})
@permission("pipeline.view_pipeline")
def list_loss_reasons(request):
    return list(selectors.loss_reasons(company_id_of(request.user)))


# Settings (administrators): every stage and loss reason, inactive ones included.


def _setting_stage(request, stage_id: int):
    return get_object_or_404(selectors.stage_settings(company_id_of(request.user)), pk=stage_id)


def _setting_reason(request, reason_id: int):
    return get_object_or_404(selectors.loss_reason_settings(company_id_of(request.user)), pk=reason_id)


@router.get("/settings/stages", response={200: list[StageSettingOut], **ERRORS})
@permission("pipeline.configure_pipeline")
def list_stage_settings(request):
    services.ensure_stages(selectors.company_of(request.user))
    return list(selectors.stage_settings(company_id_of(request.user)))


@router.post("/settings/stages", response={201: StageSettingOut, **WRITE_ERRORS})
@permission("pipeline.configure_pipeline")
def create_stage(request, payload: StageCreateIn):
    stage = services.create_stage(
        acting_user=request.user, company=selectors.company_of(request.user), **payload.model_dump()
    )
    return Status(201, _setting_stage(request, stage.pk))


@router.get("/settings/stages/{stage_id}", response={200: StageSettingOut, **ERRORS})
@permission("pipeline.configure_pipeline")
def get_stage_setting(request, stage_id: int = ID):
    return _setting_stage(request, stage_id)


@router.put("/settings/stages/{stage_id}", response={200: StageSettingOut, **WRITE_ERRORS})
@permission("pipeline.configure_pipeline")
def update_stage(request, payload: StageUpdateIn, stage_id: int = ID):
    stage = _setting_stage(request, stage_id)
    services.update_stage(acting_user=request.user, stage=stage, changes=payload.model_dump())
    return _setting_stage(request, stage_id)


@router.post("/settings/stages/{stage_id}/move", response={200: list[StageSettingOut], **WRITE_ERRORS})
@permission("pipeline.configure_pipeline")
def move_stage(request, payload: StageMoveIn, stage_id: int = ID):
    stage = _setting_stage(request, stage_id)
    services.move_stage(acting_user=request.user, stage=stage, direction=payload.direction)
    return list(selectors.stage_settings(stage.company_id))


@router.get("/settings/loss-reasons", response={200: list[LossReasonSettingOut], **ERRORS})
@permission("pipeline.configure_pipeline")
def list_loss_reason_settings(request):
    services.ensure_stages(selectors.company_of(request.user))
    return list(selectors.loss_reason_settings(company_id_of(request.user)))


@router.post("/settings/loss-reasons", response={201: LossReasonSettingOut, **WRITE_ERRORS})
@permission("pipeline.configure_pipeline")
def create_loss_reason(request, payload: LossReasonCreateIn):
    reason = services.create_loss_reason(
        acting_user=request.user, company=selectors.company_of(request.user), **payload.model_dump()
    )
    return Status(201, reason)


@router.put("/settings/loss-reasons/{reason_id}", response={200: LossReasonSettingOut, **WRITE_ERRORS})
@permission("pipeline.configure_pipeline")
def update_loss_reason(request, payload: LossReasonUpdateIn, reason_id: int = ID):
    reason = _setting_reason(request, reason_id)
    return services.update_loss_reason(acting_user=request.user, reason=reason, changes=payload.model_dump())


@router.get("/leads", response={200: Page[LeadOut], **ERRORS})
@permission("pipeline.view_pipeline")
def list_leads(request, filters: Query[LeadFilterIn], paging: Query[PageParams]):
    leads = selectors.lead_list(
        request.user,
        selectors.LeadFilters(
            q=filters.q,
            status=filters.status or "",
            source=filters.source or "",
            owner=filters.owner,
            unassigned=filters.unassigned,
        ),
    )
    return page_of(leads, paging)


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
@permission("pipeline.view_pipeline")
def get_lead(request, lead_id: int = ID):
    return _lead(request, lead_id)


@router.post("/leads", response={201: LeadOut, **WRITE_ERRORS})
@permission("pipeline.create_lead")
def create_lead(request, payload: LeadCreateIn):
    data = payload.model_dump()
    owner_id, team_id = data.pop("owner_id"), data.pop("team_id")
    lead = services.create_lead(
        acting_user=request.user,
        company=selectors.company_of(request.user),
        owner=_person(request, owner_id) if owner_id else None,
        team=_team(request, team_id) if team_id else None,
        **data,
    )
    return Status(201, lead)


@router.patch("/leads/{lead_id}", response={200: LeadOut, **WRITE_ERRORS})
@permission("pipeline.view_pipeline")
def update_lead(request, payload: LeadUpdateIn, lead_id: int = ID):
    lead = _lead(request, lead_id)
    data = {
        k: v
        for k, v in payload.model_dump(exclude_unset=True).items()
        if v is not None or k == "estimated_amount"
    }
    version = data.pop("version")
    return services.update_lead(acting_user=request.user, lead=lead, expected_version=version, changes=data)


@router.post("/leads/{lead_id}/qualify", response={200: LeadOut, **WRITE_ERRORS})
@permission("pipeline.view_pipeline")
def qualify_lead(request, payload: QualifyIn, lead_id: int = ID):
    return services.qualify_lead(
        acting_user=request.user,
        lead=_lead(request, lead_id),
        expected_version=payload.version,
        status=payload.status,
        reason=payload.reason,
    )


@router.post("/leads/{lead_id}/assign", response={200: LeadOut, **WRITE_ERRORS})
@permission("pipeline.assign_lead")
def assign_lead(request, payload: AssignIn, lead_id: int = ID):
    lead = _lead(request, lead_id)
    if payload.owner_id:
        return services.assign_lead(
            acting_user=request.user,
            lead=lead,
            owner=_person(request, payload.owner_id),
            expected_version=payload.version,
        )
    return services.assign_lead_round_robin(
        acting_user=request.user,
        lead=lead,
        team=_team(request, payload.team_id) if payload.team_id else None,
        expected_version=payload.version,
    )


@router.post("/leads/{lead_id}/convert", response={201: OpportunityDetailOut, **WRITE_ERRORS})
@permission("pipeline.view_pipeline")
def convert_lead(request, payload: ConvertIn, lead_id: int = ID):
    lead = _lead(request, lead_id)
    customer = None
    if payload.customer_id:
        customer = get_object_or_404(customers.customer_detail_queryset(request.user), pk=payload.customer_id)
    deal = services.convert_lead(
        acting_user=request.user,
        lead=lead,
        expected_version=payload.version,
        customer=customer,
        confirm_not_duplicate=payload.confirm_not_duplicate,
        opportunity_name=payload.opportunity_name,
        amount=payload.amount,
        expected_close_on=payload.expected_close_on,
    )
    return Status(201, _fresh_deal(request, deal))


@router.get("/opportunities", response={200: Page[OpportunityRowOut], **ERRORS})
@permission("pipeline.view_pipeline")
def list_opportunities(request, filters: Query[OpportunityFilterIn], paging: Query[PageParams]):
    deals = selectors.opportunity_list(
        request.user,
        selectors.OpportunityFilters(
            q=filters.q,
            owner=filters.owner,
            stage=filters.stage,
            customer=filters.customer,
            close_from=filters.close_from,
            close_to=filters.close_to,
            outcome=filters.outcome or "",
        ),
    )
    return page_of(selectors.opportunity_rows(deals), paging)


@router.get("/opportunities/{opportunity_id}", response={200: OpportunityDetailOut, **ERRORS})
@permission("pipeline.view_pipeline")
def get_opportunity(request, opportunity_id: int = ID):
    return _deal(request, opportunity_id)


@router.get("/opportunities/{opportunity_id}/stage-changes", response={200: list[StageChangeOut], **ERRORS})
@permission("pipeline.view_pipeline")
def list_stage_changes(request, opportunity_id: int = ID):
    return list(selectors.stage_changes(_deal(request, opportunity_id)))


@router.post("/opportunities", response={201: OpportunityDetailOut, **WRITE_ERRORS})
@permission("pipeline.create_opportunity")
def create_opportunity(request, payload: OpportunityCreateIn):
    customer = get_object_or_404(customers.customer_detail_queryset(request.user), pk=payload.customer_id)
    deal = services.create_opportunity(
        acting_user=request.user,
        customer=customer,
        name=payload.name,
        owner=_person(request, payload.owner_id) if payload.owner_id else None,
        amount=payload.amount,
        expected_close_on=payload.expected_close_on,
        competitor=payload.competitor,
    )
    return Status(201, _fresh_deal(request, deal))


@router.patch("/opportunities/{opportunity_id}", response={200: OpportunityDetailOut, **WRITE_ERRORS})
@permission("pipeline.view_pipeline")
def update_opportunity(request, payload: OpportunityUpdateIn, opportunity_id: int = ID):
    deal = _deal(request, opportunity_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    data = {k: v for k, v in data.items() if v is not None or k == "expected_close_on"}
    services.update_opportunity(
        acting_user=request.user, opportunity=deal, expected_version=version, changes=data
    )
    return _fresh_deal(request, deal)


@router.post("/opportunities/{opportunity_id}/move", response={200: OpportunityDetailOut, **WRITE_ERRORS})
@permission("pipeline.view_pipeline")
def move_opportunity(request, payload: MoveIn, opportunity_id: int = ID):
    deal = _deal(request, opportunity_id)
    company_id = deal.company_id
    stage = get_object_or_404(selectors.stages(company_id), pk=payload.stage_id)
    reason = None
    if payload.loss_reason_id:
        reason = get_object_or_404(selectors.loss_reasons(company_id), pk=payload.loss_reason_id)
    services.move_opportunity(
        acting_user=request.user,
        opportunity=deal,
        stage=stage,
        expected_version=payload.version,
        loss_reason=reason,
        loss_note=payload.loss_note,
    )
    return _fresh_deal(request, deal)


def _pick(found: dict, key: int):
    if key not in found:
        raise Http404
    return found[key]


@router.put("/opportunities/{opportunity_id}/lines", response={200: OpportunityDetailOut, **WRITE_ERRORS})
@permission("pipeline.view_pipeline")
def set_lines(request, payload: LinesIn, opportunity_id: int = ID):
    deal = _deal(request, opportunity_id)
    wanted = [line.product_id for line in payload.lines]
    catalogue = {p.pk: p for p in products.product_list(request.user).filter(pk__in=wanted)}
    lines = [
        services.LineInput(_pick(catalogue, line.product_id), line.quantity, line.unit_price)
        for line in payload.lines
    ]
    services.set_lines(
        acting_user=request.user, opportunity=deal, expected_version=payload.version, lines=lines
    )
    return _fresh_deal(request, deal)


@router.put(
    "/opportunities/{opportunity_id}/credit-splits", response={200: OpportunityDetailOut, **WRITE_ERRORS}
)
@permission("pipeline.view_pipeline")
def set_credit_splits(request, payload: SplitsIn, opportunity_id: int = ID):
    deal = _deal(request, opportunity_id)
    wanted = [split.user_id for split in payload.splits]
    people = {e.user_id: e.user for e in selectors.split_candidates(request.user).filter(user_id__in=wanted)}
    splits = [(_pick(people, split.user_id), split.percent) for split in payload.splits]
    services.set_credit_splits(
        acting_user=request.user, opportunity=deal, expected_version=payload.version, splits=splits
    )
    return _fresh_deal(request, deal)
