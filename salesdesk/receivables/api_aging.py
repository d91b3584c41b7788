"""Aging, dunning, bad debt and the collections workbench over HTTP (mounted under /receivables):
parse, call a selector or service, return a schema."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from salesdesk.core.access import company_id_of, permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.org.models import Company, Role
from salesdesk.receivables import aging, baddebt, dunning
from salesdesk.receivables import workbench as workbench_selectors
from salesdesk.receivables.models import (
    ContactChannel,
    ContactOutcome,
    DebtClass,
    DunningLevel,
    Invoice,
    WriteOffRequest,
    WriteOffStatus,
)

router = Router(tags=["receivables: aging and collections"])
ID = Path(..., ge=1, le=MAX_ID)
MONEY = {"gt": 0, "max_digits": 18, "decimal_places": 2}
DAY = {"ge": date(2000, 1, 1), "le": date(2100, 12, 31)}
OPTIONAL_DAY = Query(None, **DAY)


def _today() -> date:
    return timezone.localdate()


def _invoice(request, invoice_id: int) -> Invoice:
    return get_object_or_404(Invoice.objects.visible_to(request.user), pk=invoice_id)


def _company(request) -> Company:
    company_id = company_id_of(request.user)
    if company_id is None:
        raise BusinessRuleViolation(_no_company())
    return Company.objects.get(pk=company_id)


def _no_company() -> str:
    return _("Your account belongs to no company.")


# Schemas


class BucketOut(Schema):
    index: int
    label: str
    min_days: int | None
    max_days: int | None
    provision_percent: Decimal


class AgingRowOut(Schema):
    key: int | None
    label: str
    amounts: list[Decimal]
    counts: list[int]
    total: Decimal


class AgingReportOut(Schema):
    as_of: date
    by: str
    buckets: list[BucketOut]
    rows: list[AgingRowOut]
    totals: AgingRowOut


class AgingQueryIn(InputSchema):
    as_of: date | None = Field(
        None, description="age as of this day (allocations applied by then); today by default", **DAY
    )
    by: Literal["bucket", "customer", "collector", "unit"] = "bucket"
    bucket: int | None = Field(None, ge=0, le=100, description="only rows with money in this bucket")


class AgingInvoiceQueryIn(InputSchema):
    as_of: date | None = Field(None, **DAY)
    bucket: int | None = Field(None, ge=0, le=100)
    customer: int | None = Field(None, ge=1, le=MAX_ID)
    collector: int | None = Field(None, ge=1, le=MAX_ID)


class AgingInvoiceOut(Schema):
    id: int
    number: str
    customer_id: int
    customer_name: str = Field(..., alias="customer.name")
    owner_id: int
    issued_on: date
    due_on: date
    amount: Decimal
    open_amount: Decimal
    bucket: int
    debt_class: DebtClass


class ProvisionRowOut(Schema):
    bucket: int
    label: str
    open_amount: Decimal
    provision_percent: Decimal
    provision: Decimal


class BucketIn(InputSchema):
    max_days: int | None = Field(
        ..., ge=0, le=36500, description="upper bound in days overdue; null: open-ended"
    )
    provision_percent: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2)


class DunningStepOut(Schema):
    id: int
    days_overdue: int
    notify: DunningLevel
    name: str


class DunningStepIn(InputSchema):
    days_overdue: int = Field(..., ge=-365, le=36500)
    notify: DunningLevel


class CollectionPolicyOut(Schema):
    doubtful_after_days: int
    bad_after_days: int
    legal_user_id: int | None
    legal_role: Role
    version: int


class CollectionPolicyIn(InputSchema):
    doubtful_after_days: int = Field(..., ge=1, le=36500, description="days overdue before doubtful (呆账)")
    bad_after_days: int = Field(..., ge=1, le=36500, description="days overdue before bad (死账)")
    legal_user_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="who the ladder's legal step notifies; empty: the role's first"
    )
    legal_role: Role = Role.DIRECTOR
    version: int = Field(..., ge=1, le=MAX_ID, description="the version you loaded; a stale one is refused")


class DunningRunIn(InputSchema):
    today: date | None = Field(None, **DAY)


class DunningRunOut(Schema):
    created: int


class NoticeOut(Schema):
    id: int
    step_id: int
    step_name: str = Field(..., alias="step.name")
    level: DunningLevel
    notified_id: int
    days_overdue: int
    run_on: date


class ContactAttemptIn(InputSchema):
    channel: ContactChannel
    outcome: ContactOutcome
    note: str = Field("", max_length=500)
    promised_amount: Decimal | None = Field(None, **MONEY)
    promised_on: date | None = Field(None, **DAY)
    next_action_on: date | None = Field(None, **DAY)


class ContactAttemptOut(Schema):
    id: int
    invoice_id: int
    by_id: int
    at: datetime
    channel: ContactChannel
    outcome: ContactOutcome
    promised_amount: Decimal | None
    promised_on: date | None
    next_action_on: date | None
    note: str


class ClassifyIn(InputSchema):
    debt_class: DebtClass
    reason: str = Field(..., min_length=1, max_length=300)


class ClassifyOut(Schema):
    id: int
    debt_class: DebtClass
    version: int


class WriteOffIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=500)


class DecisionIn(InputSchema):
    note: str = Field("", max_length=500)


class WriteOffOut(Schema):
    id: int
    invoice_id: int
    amount: Decimal
    reason: str
    status: WriteOffStatus
    requested_by_id: int
    decided_by_id: int | None
    written_off_on: date | None


class WriteOffFilterIn(InputSchema):
    status: WriteOffStatus | None = None


class WorkbenchInvoiceOut(Schema):
    id: int
    number: str
    customer_name: str
    due_on: date
    open_amount: Decimal
    next_action_on: date | None
    last_outcome: ContactOutcome | None
    top_step_days: int | None = Field(..., description="the highest rung of the dunning ladder reached")


class WorkbenchPromiseOut(Schema):
    id: int
    invoice_id: int
    invoice_number: str
    customer_name: str
    promised_on: date | None
    promised_amount: Decimal | None


class WorkbenchInstalmentOut(Schema):
    id: int
    contract_id: int
    contract_number: str
    customer_name: str
    sequence: int
    due_on: date
    amount: Decimal


class WorkbenchEscalationOut(Schema):
    invoice_id: int
    invoice_number: str
    customer_name: str
    due_on: date
    step_id: int
    step_name: str
    notify: DunningLevel


class WorkbenchNoticeOut(Schema):
    id: int
    invoice_id: int
    invoice_number: str
    customer_name: str
    collector_name: str
    open_amount: Decimal
    due_on: date
    days_overdue: int
    level: DunningLevel
    step_name: str
    run_on: date


class WorkbenchOut(Schema):
    today: date
    overdue: list[WorkbenchInvoiceOut]
    promises: list[WorkbenchPromiseOut]
    instalments: list[WorkbenchInstalmentOut]
    tomorrow: list[WorkbenchEscalationOut]
    escalated: list[WorkbenchNoticeOut] = Field(
        ..., description="dunning notices that escalated a colleague's open invoice to you"
    )


def _bucket_out(bucket) -> dict:
    return {
        "index": bucket.index,
        "label": bucket.label,
        "min_days": bucket.min_days,
        "max_days": bucket.max_days,
        "provision_percent": bucket.provision_percent,
    }


def _row_out(row) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "amounts": row.amounts,
        "counts": row.counts,
        "total": row.total,
    }


# Aging


@router.get("/aging", response={200: AgingReportOut, **ERRORS})
@permission("receivables.view_aging")
def aging_report(request, query: Query[AgingQueryIn]):
    """Open amount per aging bucket, by bucket, customer, collector or unit, within your scope."""
    report = aging.aging_report(
        user=request.user, as_of=query.as_of or _today(), by=query.by, bucket=query.bucket
    )
    return {
        "as_of": report.as_of,
        "by": report.by,
        "buckets": [_bucket_out(b) for b in report.buckets],
        "rows": [_row_out(r) for r in report.rows],
        "totals": _row_out(report.totals),
    }


@router.get("/aging/invoices", response={200: Page[AgingInvoiceOut], **ERRORS})
@permission("receivables.view_aging")
def aging_invoices(request, query: Query[AgingInvoiceQueryIn], paging: Query[PageParams]):
    """The open invoices behind a cell of the aging report, oldest due first."""
    invoices = aging.aging_invoices(
        user=request.user,
        as_of=query.as_of or _today(),
        bucket=query.bucket,
        customer_id=query.customer,
        collector_id=query.collector,
    )
    return page_of(invoices, paging)


@router.get("/aging/provision", response={200: list[ProvisionRowOut], **ERRORS})
@permission("receivables.view_aging")
def provision_report(request, as_of: date | None = OPTIONAL_DAY):
    return aging.provision_report(user=request.user, as_of=as_of or _today())


@router.get("/aging/buckets", response={200: list[BucketOut], **ERRORS})
@permission("receivables.view_aging")
def list_buckets(request):
    company_id = company_id_of(request.user)
    return [] if company_id is None else [_bucket_out(b) for b in aging.buckets(company_id)]


@router.put("/aging/buckets", response={200: list[BucketOut], **WRITE_ERRORS})
@permission("receivables.configure_collections")
def set_buckets(request, payload: list[BucketIn]):
    buckets = aging.set_aging_buckets(
        acting_user=request.user,
        company=_company(request),
        bounds=[(b.max_days, b.provision_percent) for b in payload],
    )
    return [_bucket_out(b) for b in buckets]


# Dunning


@router.get("/dunning/steps", response={200: list[DunningStepOut], **ERRORS})
@permission("receivables.view_aging")
def list_dunning_steps(request):
    company_id = company_id_of(request.user)
    return [] if company_id is None else dunning.ensure_steps(company_id)


@router.put("/dunning/steps", response={200: list[DunningStepOut], **WRITE_ERRORS})
@permission("receivables.configure_collections")
def set_dunning_steps(request, payload: list[DunningStepIn]):
    return dunning.set_dunning_ladder(
        acting_user=request.user,
        company=_company(request),
        steps=[(s.days_overdue, s.notify) for s in payload],
    )


@router.get("/collection-policy", response={200: CollectionPolicyOut, **ERRORS})
@permission("receivables.view_collection_settings")
def get_collection_policy(request):
    """When open invoices become doubtful and bad, and who the ladder's legal step notifies."""
    return dunning.ensure_policy(_company(request).pk)


@router.put("/collection-policy", response={200: CollectionPolicyOut, **WRITE_ERRORS})
@permission("receivables.configure_collections")
def set_collection_policy(request, payload: CollectionPolicyIn):
    return baddebt.set_policy(
        acting_user=request.user,
        company=_company(request),
        expected_version=payload.version,
        doubtful_after_days=payload.doubtful_after_days,
        bad_after_days=payload.bad_after_days,
        legal_user_id=payload.legal_user_id,
        legal_role=payload.legal_role,
    )


@router.post("/dunning/run", response={200: DunningRunOut, **WRITE_ERRORS})
@permission("receivables.configure_collections")
def run_dunning(request, payload: DunningRunIn):
    """Run the ladder for your company now (the nightly job does it every day)."""
    company = _company(request)
    created = dunning.run_dunning(
        today=payload.today or _today(), company_id=company.pk, acting_user=request.user
    )
    return {"created": created}


@router.get("/invoices/{invoice_id}/dunning-notices", response={200: list[NoticeOut], **ERRORS})
@permission("receivables.view_aging")
def invoice_notices(request, invoice_id: int = ID):
    return list(dunning.notices_for(_invoice(request, invoice_id)))


@router.get("/invoices/{invoice_id}/contact-attempts", response={200: list[ContactAttemptOut], **ERRORS})
@permission("receivables.view_aging")
def invoice_contact_attempts(request, invoice_id: int = ID):
    return list(_invoice(request, invoice_id).contact_attempts.all())


@router.post("/invoices/{invoice_id}/contact-attempts", response={201: ContactAttemptOut, **WRITE_ERRORS})
@permission("receivables.work_collections")
def log_contact_attempt(request, payload: ContactAttemptIn, invoice_id: int = ID):
    attempt = dunning.log_contact_attempt(
        acting_user=request.user, invoice=_invoice(request, invoice_id), **payload.dict()
    )
    return Status(201, attempt)


# Bad debt


@router.post("/invoices/{invoice_id}/classification", response={200: ClassifyOut, **WRITE_ERRORS})
@permission("receivables.classify_debt")
def classify_invoice(request, payload: ClassifyIn, invoice_id: int = ID):
    return baddebt.classify_invoice(
        acting_user=request.user,
        invoice=_invoice(request, invoice_id),
        debt_class=payload.debt_class,
        reason=payload.reason,
    )


@router.post("/invoices/{invoice_id}/write-off-requests", response={201: WriteOffOut, **WRITE_ERRORS})
@permission("receivables.request_write_off")
def request_write_off(request, payload: WriteOffIn, invoice_id: int = ID):
    write_off = baddebt.request_write_off(
        acting_user=request.user, invoice=_invoice(request, invoice_id), reason=payload.reason
    )
    return Status(201, write_off)


@router.get("/write-off-requests", response={200: Page[WriteOffOut], **ERRORS})
@permission("receivables.view_aging")
def list_write_offs(request, filters: Query[WriteOffFilterIn], paging: Query[PageParams]):
    return page_of(baddebt.write_off_requests(user=request.user, status=filters.status), paging)


def _write_off(request, request_id: int) -> WriteOffRequest:
    return get_object_or_404(baddebt.write_off_requests(user=request.user), pk=request_id)


@router.post("/write-off-requests/{request_id}/approve", response={200: WriteOffOut, **WRITE_ERRORS})
@permission("receivables.approve_write_off")
def approve_write_off(request, payload: DecisionIn, request_id: int = ID):
    return baddebt.approve_write_off(
        acting_user=request.user, request=_write_off(request, request_id), note=payload.note
    )


@router.post("/write-off-requests/{request_id}/reject", response={200: WriteOffOut, **WRITE_ERRORS})
@permission("receivables.approve_write_off")
def reject_write_off(request, payload: DecisionIn, request_id: int = ID):
    return baddebt.reject_write_off(
        acting_user=request.user, request=_write_off(request, request_id), note=payload.note
    )


# Workbench


@router.get("/workbench", response={200: WorkbenchOut, **ERRORS})
@permission("receivables.work_collections")
def workbench(request, today: date | None = OPTIONAL_DAY):
    """What you chase today: your overdue invoices, promises due, instalment reminders, what the
    dunning ladder escalates tomorrow, and your colleagues' invoices it escalated to you."""
    return workbench_selectors.workbench(user=request.user, today=today or _today())
