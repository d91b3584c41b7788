"""Reads about customers, scoped by CustomerQuerySet.visible_to and set-based."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncWeek

from salesdesk.core.access import profile_of
from salesdesk.core.periods import Period
from salesdesk.customers import rules
from salesdesk.customers.models import (
    Contact,
    Customer,
    CustomerPolicy,
    OwnershipChange,
    Tier,
    TierPolicy,
    Visit,
    VisitStatus,
)
from salesdesk.customers.querysets import company_id_of
from salesdesk.org.models import Employee, User


@dataclass(frozen=True)
class CustomerFilters:
    q: str = ""
    tier: str = ""
    nature: str = ""
    lifecycle: str = ""
    value_class: str = ""
    # "" everyone's and the pool, "mine" the user's own, "owned" every owned one in scope, "pool" the pool
    holder: str = ""
    owner: int | None = None


def _policy(field_name: str) -> Subquery:
    return Subquery(
        TierPolicy.objects.filter(company_id=OuterRef("company_id"), tier=OuterRef("tier")).values(
            field_name
        )[:1]
    )


def with_policy(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Each customer with its tier's plan and clocks, read in the same statement (no query per row)."""
    return customers.annotate(
        service_plan=_policy("service_plan"),
        visit_interval_days=_policy("visit_interval_days"),
        pool_after_days=_policy("pool_after_days"),
        warn_days_before=_policy("warn_days_before"),
    )


def customer_list(user: User, filters: CustomerFilters = CustomerFilters()) -> QuerySet[Customer]:
    customers = Customer.objects.visible_to(user).select_related("owner")
    if filters.q:
        customers = customers.filter(
            Q(name__icontains=filters.q)
            | Q(name_key__contains=rules.name_key(filters.q))
            | Q(tax_id__icontains=filters.q)
            | Q(phone__icontains=filters.q)
            | Q(city__icontains=filters.q)
        )
    for name in ("tier", "nature", "lifecycle", "value_class"):
        if getattr(filters, name):
            customers = customers.filter(**{name: getattr(filters, name)})
    if filters.holder == "mine":
        customers = customers.filter(owner=user)
    elif filters.holder == "owned":
        customers = customers.filter(owner__isnull=False)
    elif filters.holder == "pool":
        customers = customers.filter(owner__isnull=True)
    if filters.owner:
        customers = customers.filter(owner_id=filters.owner)
    return with_policy(customers).order_by("name", "id")


def customer_detail_queryset(user: User) -> QuerySet[Customer]:
    return with_policy(
        Customer.objects.visible_to(user).select_related("owner", "previous_owner", "updated_by")
    )


def pool(user: User, q: str = "") -> QuerySet[Customer]:
    return customer_list(user, CustomerFilters(q=q, holder="pool")).select_related("previous_owner")


def contacts(user: User, customer: Customer) -> QuerySet[Contact]:
    """The customer's contacts, if the user may see them (never a pooled customer's)."""
    return Contact.objects.visible_to(user).filter(customer=customer)


def contact_detail_queryset(user: User) -> QuerySet[Contact]:
    return Contact.objects.visible_to(user).select_related("customer")


@dataclass(frozen=True)
class VisitFilters:
    status: str = ""
    customer: int | None = None
    owner: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def visit_list(user: User, filters: VisitFilters = VisitFilters()) -> QuerySet[Visit]:
    visits = Visit.objects.visible_to(user).select_related("customer", "contact", "owner")
    if filters.status:
        visits = visits.filter(status=filters.status)
    if filters.customer:
        visits = visits.filter(customer_id=filters.customer)
    if filters.owner:
        visits = visits.filter(owner_id=filters.owner)
    if filters.date_from:
        visits = visits.filter(planned_on__gte=filters.date_from)
    if filters.date_to:
        visits = visits.filter(planned_on__lte=filters.date_to)
    return visits.order_by("-planned_on", "-id")


def visit_detail_queryset(user: User) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user).select_related("customer", "contact", "owner")


def ownership_changes(customer: Customer) -> QuerySet[OwnershipChange]:
    """The customer's owners over time (whoever may see the card may see who held it)."""
    return customer.ownership_changes.select_related("from_owner", "to_owner", "changed_by")


def _policies_for(user: User | None) -> list[TierPolicy]:
    policies = TierPolicy.objects.all()
    if user is not None:
        company_id = company_id_of(user)
        if company_id is None and not (profile_of(user) and profile_of(user).is_admin):
            return []
        if company_id is not None:
            policies = policies.filter(company_id=company_id)
    return list(policies)


def _any_policy(policies: list[TierPolicy], cutoff) -> Q:
    """Customers whose activity date is on or before ``cutoff(policy)`` for their company and tier."""
    if not policies:
        return Q(pk__in=[])
    return reduce(
        or_, (Q(company_id=p.company_id, tier=p.tier, activity_on__lte=cutoff(p)) for p in policies)
    )


def visits_due(user: User, today: date) -> QuerySet[Customer]:
    """Customers the user works on whose last follow-up (or assignment) plus their tier's visit
    interval is today or earlier: longest waiting first. ``days_overdue`` is on each row."""
    policies = _policies_for(user)
    due = _any_policy(policies, lambda p: rules.visit_cutoff(today, p.visit_interval_days))
    return with_policy(Customer.objects.worked_by(user).filter(due).select_related("owner")).order_by(
        "activity_on", "id"
    )


def pool_warnings(*, today: date, user: User | None = None) -> QuerySet[Customer]:
    """Owned customers that go back to the pool within their tier's warning days (or are already
    past due and wait for tonight's job): for the owner's list and the warning badge."""
    policies = _policies_for(user)
    warned = _any_policy(
        policies, lambda p: rules.warning_cutoff(today, p.pool_after_days, p.warn_days_before)
    )
    customers = Customer.objects.worked_by(user) if user is not None else Customer.objects.owned()
    return with_policy(customers.filter(warned).select_related("owner")).order_by("activity_on", "id")


def owner_candidates(user: User) -> QuerySet[Employee]:
    """The salespeople a leader may hand customers to: active, of the company, in the leader's scope."""
    from salesdesk.customers.querysets import SALES_ROLES

    return (
        Employee.objects.visible_to(user)
        .active()
        .filter(company_id=company_id_of(user), position__role__in=SALES_ROLES)
        .select_related("user")
        .order_by("employee_no")
    )


def customer_policy(company_id: int) -> CustomerPolicy | None:
    return CustomerPolicy.objects.filter(company_id=company_id).first()


def tier_policies(company_id: int | None) -> list[TierPolicy]:
    """The company's tier policies in the tiers' own order (strategic first)."""
    order = {tier: index for index, tier in enumerate(Tier.values)}
    policies = TierPolicy.objects.filter(company_id=company_id)
    return sorted(policies, key=lambda p: order.get(p.tier, len(order)))


@dataclass
class ReportRow:
    owner: User
    start: date  # the day, or the Monday of the ISO week
    planned: int = 0
    done: int = 0
    cancelled: int = 0
    customers_touched: int = 0
    outcomes: list[tuple[str, str]] = field(default_factory=list)  # (customer name, outcome)

    @property
    def key(self) -> str:
        return self.start.isoformat()


MAX_OUTCOMES = 2000


def visit_report(user: User, *, period: Period, by: str = "day") -> list[ReportRow]:
    """Per rep and day (or ISO week) of ``period``: visits planned for it, done in it, cancelled,
    distinct customers visited and what came of the visits. Counts people's own visits: a supervisor
    sees the team's rows, a rep their own. Four queries whatever the number of people and days."""
    visits = Visit.objects.by_people_visible_to(user)

    def bucket(field_name: str):
        return TruncWeek(field_name) if by == "week" else F(field_name)

    planned = (
        visits.filter(planned_on__range=(period.start, period.end))
        .annotate(bucket=bucket("planned_on"))
        .values("owner_id", "bucket")
        .annotate(planned=Count("id"), cancelled=Count("id", filter=Q(status=VisitStatus.CANCELLED)))
    )
    done_visits = visits.filter(status=VisitStatus.DONE, done_on__range=(period.start, period.end))
    done = (
        done_visits.annotate(bucket=bucket("done_on"))
        .values("owner_id", "bucket")
        .annotate(done=Count("id"), customers=Count("customer_id", distinct=True))
    )
    rows: dict[tuple[int, date], dict] = defaultdict(dict)
    for entry in planned:
        rows[(entry["owner_id"], _as_date(entry["bucket"]))].update(
            planned=entry["planned"], cancelled=entry["cancelled"]
        )
    for entry in done:
        rows[(entry["owner_id"], _as_date(entry["bucket"]))].update(
            done=entry["done"], customers_touched=entry["customers"]
        )
    outcomes: dict[tuple[int, date], list[tuple[str, str]]] = defaultdict(list)
    for owner_id, done_on, name, outcome in done_visits.order_by("done_on", "id").values_list(
        "owner_id", "done_on", "customer__name", "outcome"
    )[:MAX_OUTCOMES]:
        start = rules.week_start(done_on) if by == "week" else done_on
        outcomes[(owner_id, start)].append((name, outcome))
    people = User.objects.in_bulk({owner_id for owner_id, _start in rows})
    report = [
        ReportRow(owner=people[owner_id], start=start, outcomes=outcomes.get((owner_id, start), []), **counts)
        for (owner_id, start), counts in rows.items()
    ]
    return sorted(report, key=lambda row: (str(row.owner), row.start))


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value
