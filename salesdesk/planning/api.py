"""Plans, targets, proposals, adjustments, attainment and action plans over HTTP: parse, call a
selector or service, return a schema."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import model_validator

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema, Page, PageParams, UserRef, page_of
from salesdesk.org import selectors as org
from salesdesk.org.models import OrgUnit, User
from salesdesk.planning import selectors, services
from salesdesk.planning.models import (
    ActionItem,
    ActionPlan,
    Adjustment,
    Distribution,
    Proposal,
    SalesPlan,
    Target,
)
from salesdesk.planning.rules import Levels

router = Router(tags=["planning"])
ID = Path(..., ge=1, le=MAX_ID)
AMOUNT = {"ge": 0, "max_digits": 18, "decimal_places": 2}
VERSION = Field(..., ge=1, le=MAX_ID, description="the version you loaded; a newer one answers 409")
PERIOD = Field(..., min_length=4, max_length=10, description="2026, 2026Q3 or 2026-07")
METRIC = Field(..., min_length=1, max_length=40, description="a target metric, e.g. signed_amount")
SERIES = Field("", max_length=100, description="product series (line): required for quantity_sold")


class PlanOut(Schema):
    id: int
    fiscal_year: int
    number: int
    name: str
    status: str
    copied_from_id: int | None
    created_by: UserRef
    created_at: datetime
    activated_at: datetime | None
    version: int


class PlanIn(InputSchema):
    fiscal_year: int = Field(..., ge=2000, le=2100)
    name: str = Field(..., min_length=1, max_length=100)
    copy_from_id: int | None = Field(None, ge=1, le=MAX_ID, description="start as a copy of this version")
    from_actuals_growth_percent: Decimal | None = Field(
        None, ge=-100, le=1000, max_digits=6, decimal_places=2, description="start from last year's actuals"
    )
    metrics_from_actuals: list[str] = Field(["signed_amount"], max_length=8)


class VersionIn(InputSchema):
    version: int = VERSION


class LevelsIn(InputSchema):
    floor: Decimal = Field(..., **AMOUNT)
    goal: Decimal = Field(..., **AMOUNT)
    stretch: Decimal = Field(..., **AMOUNT)

    def levels(self) -> Levels:
        return Levels(self.floor, self.goal, self.stretch)


class OwnerIn(InputSchema):
    owner_unit_id: int | None = Field(None, ge=1, le=MAX_ID)
    owner_user_id: int | None = Field(None, ge=1, le=MAX_ID)

    @model_validator(mode="after")
    def one_owner(self):
        if (self.owner_unit_id is None) == (self.owner_user_id is None):
            raise ValueError("give owner_unit_id or owner_user_id, not both")
        return self


class TargetIn(OwnerIn, LevelsIn):
    metric: str = METRIC
    product_series: str = SERIES
    period: str = PERIOD
    version: int | None = Field(None, ge=1, le=MAX_ID, description="required when the target exists")


class TargetOut(Schema):
    id: int
    plan_id: int
    metric: str
    product_series: str
    owner_unit_id: int | None
    owner_user_id: int | None
    owner: str
    period_key: str
    floor: Decimal
    goal: Decimal
    stretch: Decimal
    parent_id: int | None
    split_method: str
    version: int

    @staticmethod
    def resolve_owner(target: Target) -> str:
        return str(target.owner_unit or target.owner_user)


class TargetFilterIn(InputSchema):
    metric: str = Field("", max_length=40)
    product_series: str = Field("", max_length=100)
    period: str = Field("", max_length=10)


class SplitIn(InputSchema):
    version: int = VERSION
    into: Literal["units", "quarters", "months"]
    method: Literal["equal", "distribution", "last_year", "potential", "seniority", "manual"]
    distribution_id: int | None = Field(None, ge=1, le=MAX_ID)
    weights: dict[str, Decimal] | None = Field(
        None, description='market potential per part, e.g. {"unit:4": 3}'
    )
    amounts: dict[str, Decimal] | None = Field(None, description='manual goals per part: {"user:17": 120000}')
    seniority: dict[Literal["new", "growing", "senior"], Decimal] | None = None


class ProposalIn(OwnerIn):
    metric: str = METRIC
    product_series: str = SERIES
    period: str = PERIOD
    amount: Decimal = Field(..., **AMOUNT)
    note: str = Field("", max_length=500)
    version: int | None = Field(None, ge=1, le=MAX_ID)


class ProposalOut(Schema):
    id: int
    metric: str
    product_series: str
    owner_unit_id: int | None
    owner_user_id: int | None
    period_key: str
    amount: Decimal
    note: str
    status: str
    proposed_by: UserRef
    decision_note: str
    version: int


class DecisionIn(InputSchema):
    version: int = VERSION
    accept: bool
    note: str = Field("", max_length=500)


class AdjustmentIn(LevelsIn):
    reason: str = Field(..., min_length=1, max_length=500)
    effective_from: date


class AdjustmentDecisionIn(InputSchema):
    approve: bool
    note: str = Field("", max_length=500)


class AdjustmentOut(Schema):
    id: int
    target_id: int
    reason: str
    effective_from: date
    old_floor: Decimal
    old_goal: Decimal
    old_stretch: Decimal
    new_floor: Decimal
    new_goal: Decimal
    new_stretch: Decimal
    status: str
    requested_by: UserRef
    requested_at: datetime
    decided_by: UserRef | None
    decided_at: datetime | None
    decision_note: str
    cascaded_from_id: int | None


class AdjustmentFilterIn(InputSchema):
    status: Literal["", "pending", "approved", "rejected", "withdrawn"] = ""
    to_decide: bool = Field(False, description="only the pending changes you may approve")


class AttainmentIn(InputSchema):
    period: str = PERIOD
    by: Literal["unit", "employee"] = "unit"
    metric: str = Field("", max_length=40)
    unit_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="drill: the units below it / the people in it"
    )
    plan_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="default: the active plan of the period's year"
    )
    as_of: date | None = None


class AttainmentOut(Schema):
    target_id: int
    metric: str
    product_series: str
    owner_kind: str
    owner_id: int
    owner: str
    period: str
    floor: Decimal
    goal: Decimal
    stretch: Decimal
    actual: Decimal
    done_percent: Decimal | None
    elapsed_percent: Decimal
    pace: str
    projection: Decimal | None
    gap: Decimal
    drill_unit_id: int | None


class DistributionIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    description: str = Field("", max_length=200)
    weights: list[Decimal] = Field(..., min_length=12, max_length=12)
    is_active: bool = True
    version: int | None = Field(None, ge=1, le=MAX_ID)


class DistributionOut(Schema):
    id: int
    name: str
    description: str
    weights: list[Decimal]
    is_active: bool
    version: int


class ActionIn(InputSchema):
    description: str = Field(..., min_length=1, max_length=300)
    due_on: date
    expected_amount: Decimal = Field(Decimal(0), **AMOUNT)


class ActionPlanIn(InputSchema):
    target_id: int = Field(..., ge=1, le=MAX_ID)
    summary: str = Field(..., min_length=1, max_length=300)
    next_follow_up_on: date
    gap_amount: Decimal = Field(..., **AMOUNT)
    actions: list[ActionIn] = Field(..., min_length=1, max_length=50)


class ActionItemOut(Schema):
    id: int
    description: str
    expected_amount: Decimal
    due_on: date
    done_on: date | None


class ActionPlanOut(Schema):
    id: int
    target_id: int
    owner: UserRef
    gap_amount: Decimal
    summary: str
    status: str
    next_follow_up_on: date
    supervisor_comment: str
    checked_by: UserRef | None
    version: int
    items: list[ActionItemOut]


class CheckIn(InputSchema):
    version: int = VERSION
    comment: str = Field("", max_length=500)
    next_follow_up_on: date
    close: bool = False


class DoneIn(InputSchema):
    done_on: date | None


def _plan(request, plan_id: int) -> SalesPlan:
    return get_object_or_404(selectors.plans(request.user), pk=plan_id)


def _target(request, target_id: int) -> Target:
    return get_object_or_404(Target.objects.visible_to(request.user).select_related("plan"), pk=target_id)


def _owner(request, data: OwnerIn) -> services.Owner:
    """The owner named in a request: a unit of the caller's company, or a person in their scope
    (anyone else answers 404)."""
    company = org.company_of(request.user)
    if data.owner_unit_id is not None:
        return services.Owner(unit=get_object_or_404(OrgUnit, pk=data.owner_unit_id, company=company))
    people = User.objects.filter(access.visible_q(request.user, owner="pk", owner_unit="employee__unit"))
    return services.Owner(user=get_object_or_404(people, pk=data.owner_user_id, employee__company=company))


# --- plans -------------------------------------------------------------------------------------


@router.get("/plans", response={200: Page[PlanOut], **ERRORS})
@permission("planning.view_plans")
def list_plans(request, paging: Query[PageParams]):
    return page_of(selectors.plans(request.user), paging)


@router.post("/plans", response={201: PlanOut, **WRITE_ERRORS})
@permission("planning.manage_plans")
def create_plan(request, payload: PlanIn):
    copy_from = _plan(request, payload.copy_from_id) if payload.copy_from_id else None
    plan = services.create_plan(
        acting_user=request.user,
        company=org.company_of(request.user),
        fiscal_year=payload.fiscal_year,
        name=payload.name,
        copy_from=copy_from,
        from_actuals_growth_percent=payload.from_actuals_growth_percent,
        metrics_from_actuals=payload.metrics_from_actuals,
    )
    return Status(201, plan)


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS})
@permission("planning.view_plans")
def get_plan(request, plan_id: int = ID):
    return _plan(request, plan_id)


@router.post("/plans/{plan_id}/activate", response={200: PlanOut, **WRITE_ERRORS})
@permission("planning.manage_plans")
def activate_plan(request, payload: VersionIn, plan_id: int = ID):
    return services.activate_plan(
        acting_user=request.user, plan=_plan(request, plan_id), expected_version=payload.version
    )


@router.post("/plans/{plan_id}/archive", response={200: PlanOut, **WRITE_ERRORS})
@permission("planning.manage_plans")
def archive_plan(request, payload: VersionIn, plan_id: int = ID):
    return services.archive_plan(
        acting_user=request.user, plan=_plan(request, plan_id), expected_version=payload.version
    )


# --- targets -----------------------------------------------------------------------------------


@router.get("/plans/{plan_id}/targets", response={200: Page[TargetOut], **ERRORS})
@permission("planning.view_plans")
def list_targets(request, filters: Query[TargetFilterIn], paging: Query[PageParams], plan_id: int = ID):
    targets = selectors.targets(request.user, _plan(request, plan_id))
    if filters.metric:
        targets = targets.filter(metric=filters.metric)
    if filters.product_series:
        targets = targets.filter(product_series=filters.product_series)
    if filters.period:
        targets = targets.filter(period_key=filters.period)
    return page_of(targets, paging)


@router.put("/plans/{plan_id}/targets", response={200: TargetOut, **WRITE_ERRORS})
@permission("planning.set_target")
def set_target(request, payload: TargetIn, plan_id: int = ID):
    return services.set_target(
        acting_user=request.user,
        plan=_plan(request, plan_id),
        metric=payload.metric,
        owner=_owner(request, payload),
        period_key=payload.period,
        levels=payload.levels(),
        expected_version=payload.version,
        product_series=payload.product_series,
    )


@router.get("/targets/{target_id}", response={200: TargetOut, **ERRORS})
@permission("planning.view_plans")
def get_target(request, target_id: int = ID):
    return _target(request, target_id)


@router.post("/targets/{target_id}/split", response={200: list[TargetOut], **WRITE_ERRORS})
@permission("planning.split_target")
def split_target(request, payload: SplitIn, target_id: int = ID):
    target = _target(request, target_id)
    distribution = (
        get_object_or_404(selectors.visible_distributions(request.user), pk=payload.distribution_id)
        if payload.distribution_id
        else None
    )
    return services.split_target(
        acting_user=request.user,
        target=target,
        expected_version=payload.version,
        into=payload.into,
        method=payload.method,
        distribution=distribution,
        weights=payload.weights,
        amounts=payload.amounts,
        seniority=payload.seniority,
    )


# --- proposals ---------------------------------------------------------------------------------


@router.get("/plans/{plan_id}/proposals", response={200: Page[ProposalOut], **ERRORS})
@permission("planning.view_plans")
def list_proposals(request, paging: Query[PageParams], plan_id: int = ID):
    return page_of(selectors.proposals(request.user, _plan(request, plan_id)), paging)


@router.put("/plans/{plan_id}/proposals", response={200: ProposalOut, **WRITE_ERRORS})
@permission("planning.propose")
def propose(request, payload: ProposalIn, plan_id: int = ID):
    return services.propose(
        acting_user=request.user,
        plan=_plan(request, plan_id),
        metric=payload.metric,
        owner=_owner(request, payload),
        period_key=payload.period,
        amount=payload.amount,
        note=payload.note,
        expected_version=payload.version,
        product_series=payload.product_series,
    )


@router.post("/proposals/{proposal_id}/decide", response={200: ProposalOut, **WRITE_ERRORS})
@permission("planning.decide_proposal")
def decide_proposal(request, payload: DecisionIn, proposal_id: int = ID):
    proposal = get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related("plan"), pk=proposal_id
    )
    return services.decide_proposal(
        acting_user=request.user,
        proposal=proposal,
        expected_version=payload.version,
        accept=payload.accept,
        note=payload.note,
    )


# --- adjustments -------------------------------------------------------------------------------


@router.get("/adjustments", response={200: Page[AdjustmentOut], **ERRORS})
@permission("planning.view_plans")
def list_adjustments(request, filters: Query[AdjustmentFilterIn], paging: Query[PageParams]):
    rows = (
        selectors.adjustments_to_decide(request.user)
        if filters.to_decide
        else selectors.adjustments(request.user)
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    return page_of(rows, paging)


@router.post("/targets/{target_id}/adjustments", response={201: AdjustmentOut, **WRITE_ERRORS})
@permission("planning.request_adjustment")
def request_adjustment(request, payload: AdjustmentIn, target_id: int = ID):
    adjustment = services.request_adjustment(
        acting_user=request.user,
        target=_target(request, target_id),
        levels=payload.levels(),
        reason=payload.reason,
        effective_from=payload.effective_from,
    )
    return Status(201, adjustment)


def _adjustment(request, adjustment_id: int) -> Adjustment:
    return get_object_or_404(selectors.adjustments(request.user), pk=adjustment_id)


@router.post("/adjustments/{adjustment_id}/decide", response={200: AdjustmentOut, **WRITE_ERRORS})
@permission("planning.approve_adjustment")
def decide_adjustment(request, payload: AdjustmentDecisionIn, adjustment_id: int = ID):
    return services.decide_adjustment(
        acting_user=request.user,
        adjustment=_adjustment(request, adjustment_id),
        approve=payload.approve,
        note=payload.note,
    )


@router.post("/adjustments/{adjustment_id}/withdraw", response={200: AdjustmentOut, **WRITE_ERRORS})
@permission("planning.request_adjustment")
def withdraw_adjustment(request, adjustment_id: int = ID):
    return services.withdraw_adjustment(
        acting_user=request.user, adjustment=_adjustment(request, adjustment_id)
    )


# --- attainment --------------------------------------------------------------------------------


@router.get("/attainment", response={200: list[AttainmentOut], **ERRORS})
@permission("planning.view_plans")
def attainment(request, filters: Query[AttainmentIn]):
    plan = (
        _plan(request, filters.plan_id)
        if filters.plan_id
        else selectors.active_plan_for(org.company_of(request.user).pk, filters.period)
    )
    parent = get_object_or_404(org.units(request.user), pk=filters.unit_id) if filters.unit_id else None
    rows = selectors.attainment(
        user=request.user,
        plan=plan,
        period_key=filters.period,
        by=filters.by,
        metric_names=[filters.metric] if filters.metric else None,
        parent_unit=parent,
        as_of=filters.as_of or timezone.localdate(),
    )
    return [
        {
            **{
                name: getattr(row, name)
                for name in ("target_id", "metric", "product_series", "owner_kind", "owner_id", "pace")
            },
            **{name: getattr(row, name) for name in ("actual", "projection", "gap", "drill_unit_id")},
            "owner": row.owner_label,
            "period": row.period_key,
            "floor": row.levels.floor,
            "goal": row.levels.goal,
            "stretch": row.levels.stretch,
            "done_percent": row.done_percent,
            "elapsed_percent": row.elapsed_percent,
        }
        for row in rows
    ]


# --- distributions -----------------------------------------------------------------------------


@router.get("/distributions", response={200: list[DistributionOut], **ERRORS})
@permission("planning.view_plans")
def list_distributions(request):
    return list(selectors.visible_distributions(request.user))


@router.post("/distributions", response={201: DistributionOut, **WRITE_ERRORS})
@permission("planning.manage_plans")
def create_distribution(request, payload: DistributionIn):
    distribution = services.save_distribution(
        acting_user=request.user,
        company=org.company_of(request.user),
        name=payload.name,
        description=payload.description,
        weights=payload.weights,
        is_active=payload.is_active,
    )
    return Status(201, distribution)


@router.put("/distributions/{distribution_id}", response={200: DistributionOut, **WRITE_ERRORS})
@permission("planning.manage_plans")
def update_distribution(request, payload: DistributionIn, distribution_id: int = ID):
    distribution = get_object_or_404(Distribution.objects.visible_to(request.user), pk=distribution_id)
    return services.save_distribution(
        acting_user=request.user,
        company=distribution.company,
        distribution=distribution,
        expected_version=payload.version,
        name=payload.name,
        description=payload.description,
        weights=payload.weights,
        is_active=payload.is_active,
    )


# --- action plans ------------------------------------------------------------------------------


@router.get("/action-plans", response={200: Page[ActionPlanOut], **ERRORS})
@permission("planning.view_plans")
def list_action_plans(request, paging: Query[PageParams]):
    return page_of(selectors.action_plans(request.user), paging)


@router.post("/action-plans", response={201: ActionPlanOut, **WRITE_ERRORS})
@permission("planning.work_action_plan")
def create_action_plan(request, payload: ActionPlanIn):
    plan = services.create_action_plan(
        acting_user=request.user,
        target=_target(request, payload.target_id),
        summary=payload.summary,
        next_follow_up_on=payload.next_follow_up_on,
        gap_amount=payload.gap_amount,
        actions=[services.ActionInput(**action.model_dump()) for action in payload.actions],
    )
    return Status(201, selectors.action_plans(request.user).get(pk=plan.pk))


def _action_plan(request, plan_id: int) -> ActionPlan:
    return get_object_or_404(selectors.action_plans(request.user), pk=plan_id)


@router.get("/action-plans/{plan_id}", response={200: ActionPlanOut, **ERRORS})
@permission("planning.view_plans")
def get_action_plan(request, plan_id: int = ID):
    return _action_plan(request, plan_id)


@router.post("/action-plans/{plan_id}/submit", response={200: ActionPlanOut, **WRITE_ERRORS})
@permission("planning.work_action_plan")
def submit_action_plan(request, payload: VersionIn, plan_id: int = ID):
    services.submit_action_plan(
        acting_user=request.user, plan=_action_plan(request, plan_id), expected_version=payload.version
    )
    return _action_plan(request, plan_id)


@router.post("/action-plans/{plan_id}/check", response={200: ActionPlanOut, **WRITE_ERRORS})
@permission("planning.check_action_plan")
def check_action_plan(request, payload: CheckIn, plan_id: int = ID):
    services.check_action_plan(
        acting_user=request.user,
        plan=_action_plan(request, plan_id),
        expected_version=payload.version,
        comment=payload.comment,
        next_follow_up_on=payload.next_follow_up_on,
        close=payload.close,
    )
    return _action_plan(request, plan_id)


@router.post("/action-items/{item_id}/done", response={200: ActionItemOut, **WRITE_ERRORS})
@permission("planning.work_action_plan")
def mark_action_done(request, payload: DoneIn, item_id: int = ID):
    item = get_object_or_404(
        ActionItem.objects.filter(plan__in=ActionPlan.objects.visible_to(request.user)).select_related(
            "plan"
        ),
        pk=item_id,
    )
    return services.mark_action_done(acting_user=request.user, item=item, done_on=payload.done_on)
