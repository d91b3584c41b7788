"""Reads of the pipeline, scoped by core.access and set-based."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.history import record_history
from salesdesk.customers import selectors as customers
from salesdesk.org.models import Company, Employee, OrgUnit, User
from salesdesk.pipeline.models import (
    CreditSplit,
    Lead,
    LossReason,
    Opportunity,
    OpportunityLine,
    Stage,
    StageChange,
)
from salesdesk.pipeline.permissions import SALES_ROLES
from salesdesk.pipeline.querysets import company_id_of


def company_of(user: User) -> Company:
    """The company a user works for: new leads and deals belong to it."""
    employee = getattr(user, "employee", None)
    if employee is None:
        raise BusinessRuleViolation(_("Only employees of a company work with the pipeline."))
    return employee.company


# Leads


@dataclass(frozen=True)
class LeadFilters:
    q: str = ""
    status: str = ""
    source: str = ""
    owner: int | None = None
    unassigned: bool = False


def lead_list(user: User, filters: LeadFilters = LeadFilters()) -> QuerySet[Lead]:
    leads = Lead.objects.visible_to(user).select_related("owner", "team", "customer")
    if filters.q:
        leads = leads.filter(
            Q(company_name__icontains=filters.q)
            | Q(contact_name__icontains=filters.q)
            | Q(phone__icontains=filters.q)
            | Q(campaign__icontains=filters.q)
        )
    if filters.status:
        leads = leads.filter(status=filters.status)
    if filters.source:
        leads = leads.filter(source=filters.source)
    if filters.owner:
        leads = leads.filter(owner_id=filters.owner)
    if filters.unassigned:
        leads = leads.filter(owner__isnull=True)
    return leads.order_by("-created_at", "-id")


def lead_detail_queryset(user: User) -> QuerySet[Lead]:
    return Lead.objects.visible_to(user).select_related("owner", "team", "customer", "updated_by")


def assignable_people(user: User) -> QuerySet[Employee]:
    """Whom a leader may hand leads and deals to: active salespeople of the company in their scope."""
    return (
        Employee.objects.visible_to(user)
        .active()
        .filter(company_id=company_id_of(user), position__role__in=SALES_ROLES - {"admin"})
        .select_related("user")
        .order_by("employee_no")
    )


def split_candidates(user: User) -> QuerySet[Employee]:
    """Who may share a deal's credit: any active salesperson of the company (deals are often won
    across teams), not only those in the user's scope."""
    return (
        Employee.objects.active()
        .filter(company_id=company_id_of(user), position__role__in=SALES_ROLES - {"admin"})
        .select_related("user")
        .order_by("employee_no")
    )


def teams(user: User) -> QuerySet[OrgUnit]:
    """Teams of the user's company, for round-robin distribution."""
    return OrgUnit.objects.filter(company_id=company_id_of(user), kind="team").order_by("path")


def team_reps(team: OrgUnit) -> list[int]:
    """User ids of the team's active reps: the round-robin order."""
    return list(
        Employee.objects.active()
        .filter(unit=team, position__role="rep")
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def last_round_robin_recipient(team: OrgUnit) -> int | None:
    return (
        Lead.objects.filter(team=team, assigned_at__isnull=False, owner__isnull=False)
        .order_by("-assigned_at", "-id")
        .values_list("owner_id", flat=True)
        .first()
    )


# Stages and deals


def stages(company_id: int | None) -> QuerySet[Stage]:
    return Stage.objects.filter(company_id=company_id, is_active=True).order_by("position")


def loss_reasons(company_id: int | None) -> QuerySet[LossReason]:
    return LossReason.objects.filter(company_id=company_id, is_active=True).order_by("id")


def stage_settings(company_id: int | None) -> QuerySet[Stage]:
    """Every stage of the company, inactive ones included, in board order, each with the number of
    open deals at it (``open_deals``): one query."""
    open_deals = (
        Opportunity.objects.filter(stage_id=OuterRef("pk"), stage__outcome="open")
        .order_by()
        .values("stage_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Stage.objects.filter(company_id=company_id)
        .annotate(open_deals=Coalesce(Subquery(open_deals), 0))
        .order_by("position", "id")
    )


def loss_reason_settings(company_id: int | None) -> QuerySet[LossReason]:
    """Every loss reason of the company, inactive ones included."""
    return LossReason.objects.filter(company_id=company_id).order_by("id")


@dataclass(frozen=True)
class OpportunityFilters:
    q: str = ""
    owner: int | None = None
    stage: int | None = None
    customer: int | None = None
    close_from: date | None = None
    close_to: date | None = None
    outcome: str = ""


def opportunity_list(user: User, filters: OpportunityFilters = OpportunityFilters()) -> QuerySet[Opportunity]:
    deals = Opportunity.objects.visible_to(user).select_related("owner", "customer", "stage", "loss_reason")
    if filters.q:
        deals = deals.filter(
            Q(name__icontains=filters.q)
            | Q(customer__name__icontains=filters.q)
            | Q(competitor__icontains=filters.q)
        )
    if filters.owner:
        deals = deals.filter(owner_id=filters.owner)
    if filters.stage:
        deals = deals.filter(stage_id=filters.stage)
    if filters.customer:
        deals = deals.filter(customer_id=filters.customer)
    if filters.close_from:
        deals = deals.filter(expected_close_on__gte=filters.close_from)
    if filters.close_to:
        deals = deals.filter(expected_close_on__lte=filters.close_to)
    if filters.outcome:
        deals = deals.filter(stage__outcome=filters.outcome)
    return deals.order_by("-engaged_on", "-id")


# The fields of an opportunity row in the API list, read with .values(): building model objects
# for four joined tables (a customer alone has forty columns) costs more than the query itself.
OPPORTUNITY_ROW_FIELDS = (
    "id",
    "name",
    "customer_id",
    "owner_id",
    "lead_id",
    "stage_id",
    "amount",
    "probability",
    "expected_close_on",
    "engaged_on",
    "closed_on",
    "competitor",
    "loss_reason_id",
    "loss_note",
    "version",
    "updated_at",
)


def opportunity_rows(deals: QuerySet[Opportunity]) -> QuerySet:
    """The same deals as flat rows (one dict each), for the API list."""
    return deals.values(
        *OPPORTUNITY_ROW_FIELDS, customer_name=F("customer__name"), stage_code=F("stage__code")
    )


def opportunity_detail_queryset(user: User) -> QuerySet[Opportunity]:
    return Opportunity.objects.visible_to(user).select_related(
        "owner", "customer", "contact", "stage", "loss_reason", "lead", "updated_by"
    )


def lines(opportunity: Opportunity) -> QuerySet[OpportunityLine]:
    return opportunity.lines.select_related("product").order_by("id")


def credit_splits(opportunity: Opportunity) -> QuerySet[CreditSplit]:
    return opportunity.credit_splits.select_related("user").order_by("-percent", "id")


def stage_changes(opportunity: Opportunity) -> QuerySet[StageChange]:
    return opportunity.stage_changes.select_related("from_stage", "to_stage", "changed_by").order_by(
        "changed_at", "id"
    )


# The kanban board: won and lost columns show what closed in the last weeks, open columns everything.
CLOSED_SHOWN_DAYS = 30


@dataclass
class Column:
    stage: Stage
    cards: list[Opportunity] = field(default_factory=list)
    total: Decimal = Decimal(0)


def board(
    user: User, *, today: date, owner: int | None = None, stage_ids: set[int] | None = None
) -> list[Column]:
    """The columns of the board, two queries whatever the number of deals."""
    columns = [Column(stage) for stage in stages(company_id_of(user))]
    if stage_ids is not None:
        columns = [c for c in columns if c.stage.pk in stage_ids]
    by_stage = {column.stage.pk: column for column in columns}
    deals = (
        Opportunity.objects.visible_to(user)
        .filter(stage_id__in=list(by_stage))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=today - timedelta(days=CLOSED_SHOWN_DAYS)))
        .select_related("owner", "customer", "stage")
        .order_by("expected_close_on", "id")
    )
    if owner:
        deals = deals.filter(owner_id=owner)
    for deal in deals:
        column = by_stage[deal.stage_id]
        column.cards.append(deal)
        column.total += deal.amount
    return columns


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "visit", "stage", "change"
    who: str
    text: str
    details: list[Any] = field(default_factory=list)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def timeline(user: User, opportunity: Opportunity, limit: int = 50) -> list[TimelineEntry]:
    """The customer's visits, the deal's stage changes and its recorded edits, newest first: three
    queries whatever their number."""
    entries: list[TimelineEntry] = []
    if opportunity.customer_id:
        visits = customers.visit_list(user, customers.VisitFilters(customer=opportunity.customer_id))[:limit]
        for visit in visits:
            entries.append(
                TimelineEntry(
                    at=_at(visit.done_on or visit.planned_on),
                    kind="visit",
                    who=str(visit.owner),
                    text=f"{visit.get_channel_display()} · {visit.get_status_display()} · {visit.purpose}",
                    details=[visit.outcome] if visit.outcome else [],
                )
            )
    for change in stage_changes(opportunity):
        text = f"{change.from_stage} → {change.to_stage}" if change.from_stage else str(change.to_stage)
        entries.append(TimelineEntry(change.changed_at, "stage", str(change.changed_by or "—"), text))
    for entry in record_history(opportunity, limit=limit):
        if entry.changes:
            entries.append(TimelineEntry(entry.at, "change", entry.who, "", entry.changes))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
