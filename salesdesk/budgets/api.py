"""Budgets and expenses over HTTP: parse, call a selector or service, return a schema."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Query, Router, Schema, Status, UploadedFile
from pydantic import AfterValidator

from salesdesk.budgets import selectors, services
from salesdesk.budgets.models import ControlMode, ExpenseStatus, SplitMethod, StepDecision
from salesdesk.core import periods
from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.money import to_money
from salesdesk.org.models import Role

router = Router(tags=["budgets"])
ID = Path(..., ge=1, le=MAX_ID)
OPTIONAL_ID = {"ge": 1, "le": MAX_ID}
AMOUNT = {"ge": 0, "max_digits": 18, "decimal_places": 2}
POSITIVE = {"gt": 0, "max_digits": 18, "decimal_places": 2}
VERSION = Field(..., ge=1, le=MAX_ID, description="the version you loaded; a newer one answers 409")
DAY = {"ge": date(2000, 1, 1), "le": date(2100, 12, 31)}
YEAR = {"ge": 2000, "le": 2100}
# Sums computed in SQL come back from SQLite without their scale; two places on the way out.
Money = Annotated[Decimal, AfterValidator(to_money)]


# Schemas


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    is_active: bool
    version: int


class CategoryIn(InputSchema):
    code: str = Field(..., min_length=1, max_length=30)
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    is_active: bool = True


class CategoryUpdateIn(InputSchema):
    version: int = VERSION
    code: str | None = Field(None, min_length=1, max_length=30)
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    is_active: bool | None = None


class ApprovalLimitsOut(Schema):
    supervisor: Money
    manager: Money


class ApprovalLimitsIn(InputSchema):
    supervisor: Decimal | None = Field(None, description="a supervisor approves up to this amount", **AMOUNT)
    manager: Decimal | None = Field(None, description="a manager approves up to this amount", **AMOUNT)


class BudgetOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    category_id: int
    category_code: str = Field(..., alias="category.code")
    fiscal_year: int
    amount: Money
    split_method: SplitMethod
    distribution_id: int | None
    control_mode: ControlMode
    note: str
    approved: Money = Field(..., description="approved and paid expenses charged to the budget")
    pending: Money = Field(..., description="expenses awaiting approval charged to the budget")
    remaining: Money = Field(..., description="amount − approved − pending")
    version: int


class BudgetLineOut(Schema):
    id: int
    month: str = Field(..., alias="month_key")
    fiscal_month: int
    amount: Money
    approved: Money
    pending: Money
    remaining: Money
    version: int


class BudgetDetailOut(BudgetOut):
    lines: list[BudgetLineOut] = Field(..., alias="lines_with_usage")


class BudgetFilterIn(InputSchema):
    fiscal_year: int | None = Field(None, **YEAR)
    unit: int | None = Field(None, description="this unit and the units below it", **OPTIONAL_ID)
    category: int | None = Field(None, **OPTIONAL_ID)
    control_mode: ControlMode | None = None


class BudgetCreateIn(InputSchema):
    unit_id: int = Field(..., ge=1, le=MAX_ID)
    category_id: int = Field(..., ge=1, le=MAX_ID)
    fiscal_year: int = Field(..., **YEAR)
    amount: Decimal = Field(..., description="for the whole fiscal year", **AMOUNT)
    control_mode: ControlMode = ControlMode.WARN
    split_method: SplitMethod = SplitMethod.EVEN
    distribution_id: int | None = Field(None, description="with split_method distribution", **OPTIONAL_ID)
    note: str = Field("", max_length=300)


class BudgetUpdateIn(InputSchema):
    version: int = VERSION
    amount: Decimal | None = Field(None, description="a new amount re-splits the twelve months", **AMOUNT)
    control_mode: ControlMode | None = None
    split_method: SplitMethod | None = None
    distribution_id: int | None = Field(None, **OPTIONAL_ID)
    note: str | None = Field(None, max_length=300)


class BudgetLineIn(InputSchema):
    version: int = VERSION
    amount: Decimal = Field(..., **AMOUNT)


class UsageOut(Schema):
    line_id: int = Field(..., alias="id")
    budget_id: int
    unit_id: int = Field(..., alias="budget.unit_id")
    unit_name: str = Field(..., alias="budget.unit.name")
    category_id: int = Field(..., alias="budget.category_id")
    control_mode: ControlMode = Field(..., alias="budget.control_mode")
    month: str = Field(..., alias="month_key")
    amount: Money
    approved: Money
    pending: Money
    remaining: Money


class UsageFilterIn(InputSchema):
    period: str = Field(..., max_length=10, description="2026, 2026Q3, 2026-07 or 2026-W31")
    unit: int | None = Field(None, **OPTIONAL_ID)
    category: int | None = Field(None, **OPTIONAL_ID)


class ExpenseOut(Schema):
    id: int
    number: str
    spender_id: int
    spender_name: str
    unit_id: int
    category_id: int
    amount: Decimal
    incurred_on: date
    description: str
    customer_id: int | None
    status: ExpenseStatus
    budget_line_id: int | None
    budget_warning: str
    submitted_at: datetime | None
    decided_at: datetime | None
    paid_on: date | None
    version: int

    @staticmethod
    def resolve_spender_name(obj) -> str:
        return str(obj.spender)


class ExpenseStepOut(Schema):
    round: int
    sequence: int
    role: Role
    approver_id: int | None
    decision: StepDecision
    decided_by_id: int | None
    decided_at: datetime | None
    comment: str


class AttachmentOut(Schema):
    id: int
    name: str
    size_bytes: int
    uploaded_by_id: int
    uploaded_at: datetime


class ExpenseDetailOut(ExpenseOut):
    steps: list[ExpenseStepOut] = Field(..., alias="steps_list")
    attachments: list[AttachmentOut] = Field(..., alias="attachments_list")


class ExpenseFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="number, description, spender or customer contains")
    status: ExpenseStatus | None = None
    category: int | None = Field(None, **OPTIONAL_ID)
    unit: int | None = Field(None, description="charged to this unit or one below it", **OPTIONAL_ID)
    spender: int | None = Field(None, **OPTIONAL_ID)
    incurred_from: date | None = Field(None, **DAY)
    incurred_until: date | None = Field(None, **DAY)


class ExpenseCreateIn(InputSchema):
    category_id: int = Field(..., ge=1, le=MAX_ID)
    amount: Decimal = Field(..., **POSITIVE)
    incurred_on: date = Field(..., **DAY)
    description: str = Field(..., min_length=1, max_length=500)
    customer_id: int | None = Field(None, **OPTIONAL_ID)
    submit: bool = Field(False, description="submit for approval at once")


class ExpenseUpdateIn(InputSchema):
    version: int = VERSION
    category_id: int | None = Field(None, ge=1, le=MAX_ID)
    amount: Decimal | None = Field(None, **POSITIVE)
    incurred_on: date | None = Field(None, **DAY)
    description: str | None = Field(None, min_length=1, max_length=500)
    customer_id: int | None = Field(None, description="null removes the customer", **OPTIONAL_ID)


class VersionIn(InputSchema):
    version: int = VERSION


class DecisionIn(InputSchema):
    version: int = VERSION
    comment: str = Field("", max_length=500, description="required when rejecting")


class PayIn(InputSchema):
    version: int = VERSION
    paid_on: date = Field(..., **DAY)


class CostCellOut(Schema):
    week: str
    expenses: Money
    revenue: Money
    ratio: Decimal | None = Field(..., description="expenses ÷ signed revenue, percent")


class CostRowOut(Schema):
    unit_id: int
    unit_name: str
    is_total: bool
    cells: list[CostCellOut]


class WeeklyCostsOut(Schema):
    unit_id: int
    weeks: list[str]
    rows: list[CostRowOut]


class WeeklyCostsIn(InputSchema):
    unit: int | None = Field(None, description="default: the top unit you may analyse", **OPTIONAL_ID)
    end_week: str | None = Field(None, max_length=10, description="2026-W31; default: this week")
    weeks: int = Field(8, ge=1, le=selectors.MAX_WEEKS)


# Categories and approval limits


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, summary="Expense categories")
@permission("budgets.view_budgets")
def list_categories(request):
    return list(selectors.categories(request.user))


@router.post("/categories", response={201: CategoryOut, **WRITE_ERRORS})
@permission("budgets.configure_expenses")
def create_category(request, payload: CategoryIn):
    category = services.create_category(
        acting_user=request.user, company=selectors.company_of(request.user), **payload.model_dump()
    )
    return Status(201, category)


@router.patch("/categories/{category_id}", response={200: CategoryOut, **WRITE_ERRORS})
@permission("budgets.configure_expenses")
def update_category(request, payload: CategoryUpdateIn, category_id: int = ID):
    category = get_object_or_404(selectors.categories(request.user), pk=category_id)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    version = changes.pop("version")
    return services.update_category(
        acting_user=request.user, category=category, expected_version=version, changes=changes
    )


@router.get("/approval-limits", response={200: ApprovalLimitsOut, **ERRORS})
@permission("budgets.view_expenses")
def get_approval_limits(request):
    return selectors.approval_limits(selectors.company_of(request.user).pk)


@router.put("/approval-limits", response={200: ApprovalLimitsOut, **WRITE_ERRORS})
@permission("budgets.configure_expenses")
def set_approval_limits(request, payload: ApprovalLimitsIn):
    limits = {role: amount for role, amount in payload.model_dump().items() if amount is not None}
    return services.set_approval_limits(
        acting_user=request.user, company=selectors.company_of(request.user), limits=limits
    )


# Budgets


@router.get("", response={200: Page[BudgetOut], **ERRORS}, summary="Budgets with their usage")
@permission("budgets.view_budgets")
def list_budgets(request, filters: Query[BudgetFilterIn], paging: Query[PageParams]):
    budgets = selectors.budget_list(
        request.user,
        selectors.BudgetFilters(
            fiscal_year=filters.fiscal_year,
            unit=filters.unit,
            category=filters.category,
            control_mode=filters.control_mode or "",
        ),
    )
    return page_of(budgets, paging)


def _budget_detail(budget):
    budget.lines_with_usage = list(selectors.budget_lines(budget))
    return budget


@router.post("", response={201: BudgetDetailOut, **WRITE_ERRORS})
@permission("budgets.set_budget")
def create_budget(request, payload: BudgetCreateIn):
    data = payload.model_dump()
    distribution_id = data.pop("distribution_id")
    budget = services.create_budget(
        acting_user=request.user,
        unit=selectors.unit_choice(request.user, data.pop("unit_id")),
        category=selectors.category_choice(request.user, data.pop("category_id")),
        distribution=selectors.distribution_choice(request.user, distribution_id)
        if distribution_id
        else None,
        **data,
    )
    budget = get_object_or_404(selectors.budget_detail_queryset(request.user), pk=budget.pk)
    return Status(201, _budget_detail(budget))


@router.patch("/lines/{line_id}", response={200: BudgetLineOut, **WRITE_ERRORS}, summary="Change one month")
@permission("budgets.set_budget")
def update_budget_line(request, payload: BudgetLineIn, line_id: int = ID):
    line = get_object_or_404(selectors.line_detail_queryset(request.user), pk=line_id)
    services.set_budget_line(
        acting_user=request.user, line=line, expected_version=payload.version, amount=payload.amount
    )
    return get_object_or_404(selectors.line_detail_queryset(request.user), pk=line_id)


@router.get("/usage", response={200: list[UsageOut], **ERRORS}, summary="Budget months overlapping a period")
@permission("budgets.view_budgets")
def budget_usage(request, filters: Query[UsageFilterIn]):
    try:
        period = periods.parse(filters.period, fiscal_start_month=settings.FISCAL_YEAR_START_MONTH)
    except ValueError:
        raise BusinessRuleViolation(
            _(
                "%(key)s is not a period. "
                "Use a year (2026), quarter (2026Q3), month (2026-07) or week (2026-W31)."
            )
            % {"key": filters.period},
            details={"field": "period"},
        ) from None
    return list(
        selectors.line_usage(request.user, period=period, unit=filters.unit, category=filters.category)
    )


# Expenses


def _expense_detail(expense):
    expense.steps_list = list(selectors.approvals(expense))
    expense.attachments_list = list(selectors.attachments(expense))
    return expense


def _load_expense(request, expense_id: int):
    return get_object_or_404(selectors.expense_detail_queryset(request.user), pk=expense_id)


@router.get("/expenses", response={200: Page[ExpenseOut], **ERRORS})
@permission("budgets.view_expenses")
def list_expenses(request, filters: Query[ExpenseFilterIn], paging: Query[PageParams]):
    expenses = selectors.expense_list(
        request.user,
        selectors.ExpenseFilters(
            q=filters.q,
            status=filters.status or "",
            category=filters.category,
            unit=filters.unit,
            spender=filters.spender,
            incurred_from=filters.incurred_from,
            incurred_until=filters.incurred_until,
        ),
    )
    return page_of(expenses, paging)


@router.get("/approvals", response={200: Page[ExpenseOut], **ERRORS}, summary="Expenses waiting for me")
@permission("budgets.approve_expense")
def approval_inbox(request, paging: Query[PageParams]):
    return page_of(selectors.approval_inbox(request.user), paging)


@router.get("/expenses/{expense_id}", response={200: ExpenseDetailOut, **ERRORS})
@permission("budgets.view_expenses")
def get_expense(request, expense_id: int = ID):
    return _expense_detail(_load_expense(request, expense_id))


@router.post("/expenses", response={201: ExpenseDetailOut, **WRITE_ERRORS})
@permission("budgets.file_expense")
def create_expense(request, payload: ExpenseCreateIn):
    data = payload.model_dump()
    customer_id = data.pop("customer_id")
    expense = services.file_expense(
        acting_user=request.user,
        category=selectors.category_choice(request.user, data.pop("category_id")),
        customer=selectors.customer_choice(request.user, customer_id) if customer_id else None,
        submit=data.pop("submit"),
        **data,
    )
    return Status(201, _expense_detail(_load_expense(request, expense.pk)))


@router.patch("/expenses/{expense_id}", response={200: ExpenseDetailOut, **WRITE_ERRORS})
@permission("budgets.file_expense")
def update_expense(request, payload: ExpenseUpdateIn, expense_id: int = ID):
    expense = _load_expense(request, expense_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    changes = {k: v for k, v in changes.items() if v is not None or k == "customer_id"}
    if "category_id" in changes:
        changes["category"] = selectors.category_choice(request.user, changes.pop("category_id"))
    if "customer_id" in changes:
        customer_id = changes.pop("customer_id")
        changes["customer"] = selectors.customer_choice(request.user, customer_id) if customer_id else None
    services.update_expense(
        acting_user=request.user, expense=expense, expected_version=version, changes=changes
    )
    return _expense_detail(_load_expense(request, expense_id))


@router.delete("/expenses/{expense_id}", response={204: None, **WRITE_ERRORS})
@permission("budgets.file_expense")
def delete_expense(request, payload: Query[VersionIn], expense_id: int = ID):
    expense = _load_expense(request, expense_id)
    services.delete_expense(acting_user=request.user, expense=expense, expected_version=payload.version)
    return Status(204, None)


@router.post("/expenses/{expense_id}/submit", response={200: ExpenseDetailOut, **WRITE_ERRORS})
@permission("budgets.file_expense")
def submit_expense(request, payload: VersionIn, expense_id: int = ID):
    expense = _load_expense(request, expense_id)
    services.submit_expense(acting_user=request.user, expense=expense, expected_version=payload.version)
    return _expense_detail(_load_expense(request, expense_id))


@router.post("/expenses/{expense_id}/withdraw", response={200: ExpenseDetailOut, **WRITE_ERRORS})
@permission("budgets.file_expense")
def withdraw_expense(request, payload: VersionIn, expense_id: int = ID):
    expense = _load_expense(request, expense_id)
    services.withdraw_expense(acting_user=request.user, expense=expense, expected_version=payload.version)
    return _expense_detail(_load_expense(request, expense_id))


@router.post("/expenses/{expense_id}/approve", response={200: ExpenseDetailOut, **WRITE_ERRORS})
@permission("budgets.approve_expense")
def approve_expense(request, payload: DecisionIn, expense_id: int = ID):
    expense = _load_expense(request, expense_id)
    services.approve_expense(
        acting_user=request.user, expense=expense, expected_version=payload.version, comment=payload.comment
    )
    return _expense_detail(_load_expense(request, expense_id))


@router.post("/expenses/{expense_id}/reject", response={200: ExpenseDetailOut, **WRITE_ERRORS})
@permission("budgets.approve_expense")
def reject_expense(request, payload: DecisionIn, expense_id: int = ID):
    expense = _load_expense(request, expense_id)
    services.reject_expense(
        acting_user=request.user, expense=expense, expected_version=payload.version, comment=payload.comment
    )
    return _expense_detail(_load_expense(request, expense_id))


@router.post("/expenses/{expense_id}/pay", response={200: ExpenseDetailOut, **WRITE_ERRORS})
@permission("budgets.pay_expense")
def pay_expense(request, payload: PayIn, expense_id: int = ID):
    expense = _load_expense(request, expense_id)
    services.pay_expense(
        acting_user=request.user, expense=expense, expected_version=payload.version, paid_on=payload.paid_on
    )
    return _expense_detail(_load_expense(request, expense_id))


@router.get("/expenses/{expense_id}/attachments", response={200: list[AttachmentOut], **ERRORS})
@permission("budgets.view_expenses")
def list_attachments(request, expense_id: int = ID):
    return list(selectors.attachments(_load_expense(request, expense_id)))


@router.post(
    "/expenses/{expense_id}/attachments",
    response={201: AttachmentOut, **WRITE_ERRORS},
    summary="Attach a receipt (multipart form, field file)",
)
@permission("budgets.file_expense")
def add_attachment(request, file: File[UploadedFile], expense_id: int = ID):
    expense = _load_expense(request, expense_id)
    return Status(201, services.add_attachment(acting_user=request.user, expense=expense, upload=file))


@router.get(
    "/attachments/{attachment_id}",
    response=ERRORS,
    summary="Download a receipt",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
@permission("budgets.view_expenses")
def download_attachment(request, attachment_id: int = ID):
    attachment = selectors.attachment_for(request.user, attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )


# Weekly cost analysis


@router.get("/cost-analysis/weekly", response={200: WeeklyCostsOut, **ERRORS}, summary="Weekly costs by unit")
@permission("budgets.view_cost_analysis")
def weekly_costs(request, filters: Query[WeeklyCostsIn]):
    if filters.unit:
        unit = get_object_or_404(selectors.cost_units(request.user), pk=filters.unit)
    else:
        unit = selectors.default_cost_unit(request.user)
        if unit is None:
            raise BusinessRuleViolation(_("You have no org unit to analyse."), details={"field": "unit"})
    end_week = filters.end_week or periods.period_of(timezone.localdate(), periods.Granularity.WEEK).key
    try:
        weeks = selectors.week_periods(end_week, filters.weeks)
    except ValueError:
        raise BusinessRuleViolation(
            _("%(key)s is not a week. Use a key like 2026-W31.") % {"key": end_week},
            details={"field": "end_week"},
        ) from None
    costs = selectors.weekly_costs(request.user, unit=unit, weeks=weeks)
    return {
        "unit_id": unit.pk,
        "weeks": [week.key for week in costs.weeks],
        "rows": [
            {
                "unit_id": row.unit.pk,
                "unit_name": row.unit.name,
                "is_total": row.is_total,
                "cells": [
                    {
                        "week": week.key,
                        "expenses": cell.expenses,
                        "revenue": cell.revenue,
                        "ratio": cell.ratio,
                    }
                    for week, cell in zip(costs.weeks, row.cells, strict=True)
                ],
            }
            for row in costs.rows
        ],
    }


# Routes with a bare id last: "/{budget_id}" would otherwise catch "/usage", "/expenses"…


@router.get("/{budget_id}", response={200: BudgetDetailOut, **ERRORS})
@permission("budgets.view_budgets")
def get_budget(request, budget_id: int = ID):
    return _budget_detail(get_object_or_404(selectors.budget_detail_queryset(request.user), pk=budget_id))


@router.patch("/{budget_id}", response={200: BudgetDetailOut, **WRITE_ERRORS})
@permission("budgets.set_budget")
def update_budget(request, payload: BudgetUpdateIn, budget_id: int = ID):
    budget = get_object_or_404(selectors.budget_detail_queryset(request.user), pk=budget_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    changes = {k: v for k, v in changes.items() if v is not None or k == "distribution_id"}
    if "distribution_id" in changes:
        distribution_id = changes.pop("distribution_id")
        changes["distribution"] = (
            selectors.distribution_choice(request.user, distribution_id) if distribution_id else None
        )
    services.update_budget(acting_user=request.user, budget=budget, expected_version=version, changes=changes)
    return _budget_detail(get_object_or_404(selectors.budget_detail_queryset(request.user), pk=budget_id))
