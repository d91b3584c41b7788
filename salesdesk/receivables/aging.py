"""Aging: bucket configuration and the AR aging report, computed in the database.

The open amount of an invoice as of date D is its amount minus the allocations applied on or
before D. Written as ``amount − allocated + Σ allocations applied after D`` it reads the running
sum kept on the invoice and only the allocations after D, summed once per invoice and joined
(``grouped()``): as of today that sum is empty (on PostgreSQL an index range scan on applied_on
that finds nothing), and as of a past date it is one pass over the later allocations, never a
subquery or an ``IN (…)`` probe per invoice. Invoices issued after D, cancelled ones and those
written off on or before D are not open on D.

Every figure is one grouped statement with a CASE over the due date (days overdue ≤ bound ⇔
due_on ≥ D − bound: plain date comparisons, the same SQL on SQLite and PostgreSQL), scoped by
``Invoice.objects.visible_to(user)``. Python only pivots the grouped rows (groups × buckets).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.money import to_money
from salesdesk.core.versioning import claim_version
from salesdesk.receivables import dunning
from salesdesk.receivables import rules_aging as rules
from salesdesk.receivables.models import (
    AgingBucket,
    Allocation,
    Invoice,
    InvoiceStatus,
    WriteOffRequest,
    WriteOffStatus,
)

MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY_FIELD)
GROUPINGS = ("bucket", "customer", "collector", "unit")


# Configuration


def ensure_buckets(company_id: int) -> list[AgingBucket]:
    """The company's buckets, creating the default set the first time (one query after that)."""
    existing = list(AgingBucket.objects.filter(company_id=company_id))
    if existing:
        return existing
    AgingBucket.objects.bulk_create(
        [
            AgingBucket(company_id=company_id, max_days=high, provision_percent=percent)
            for high, percent in rules.DEFAULT_BUCKETS
        ],
        ignore_conflicts=True,
    )
    return list(AgingBucket.objects.filter(company_id=company_id))


def buckets(company_id: int | None) -> list[rules.Bucket]:
    if company_id is None:  # no company: nothing is visible, the default columns are shown
        return rules.buckets_from_bounds(list(rules.DEFAULT_BUCKETS))
    return rules.buckets_from_bounds([(b.max_days, b.provision_percent) for b in ensure_buckets(company_id)])


@dataclass(frozen=True)
class BucketSetting:
    """A bucket as the settings page lists it: the row (id, version, bound, percent) and the label
    the aging report gives it. "Not yet due" and the open-ended bucket are changed, never removed."""

    pk: int
    version: int
    max_days: int | None
    provision_percent: Decimal
    label: str
    removable: bool


def bucket_settings(company_id: int) -> list[BucketSetting]:
    """The company's buckets, youngest first: one query."""
    rows = ensure_buckets(company_id)
    definitions = rules.buckets_from_bounds([(b.max_days, b.provision_percent) for b in rows])
    labels = {d.max_days: d.label for d in definitions}
    ordered = sorted(rows, key=lambda b: (b.max_days is None, b.max_days or 0))
    return [
        BucketSetting(
            pk=b.pk,
            version=b.version,
            max_days=b.max_days,
            provision_percent=b.provision_percent,
            label=labels[b.max_days],
            removable=rules.bucket_removal_problem(b.max_days) is None,
        )
        for b in ordered
    ]


# The open amount as of a date, and the bucket, as SQL expressions


def later_allocations(as_of: date) -> QuerySet:
    """Allocations applied after ``as_of`` (none as of today): what ``allocated`` holds that was
    not applied yet on the date."""
    return Allocation.objects.filter(applied_on__gt=as_of)


def open_amount_as_of(as_of: date):
    """The open amount on ``as_of`` as an expression over one invoice row, for callers that
    aggregate it further (metrics). It reads the invoice's allocations after the date through the
    (invoice, applied_on) index: one index probe per row, never a scan of a list of ids (an
    ``IN (…)`` list too big for PostgreSQL's work_mem is searched linearly for every row). The
    aging report itself aggregates the later allocations once and joins them: ``grouped()``."""
    later = (
        later_allocations(as_of)
        .filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return F("amount") - F("allocated") + Coalesce(Subquery(later, output_field=MONEY_FIELD), ZERO)


def bucket_case(as_of: date, bucket_set: list[rules.Bucket]) -> Case:
    """The bucket index of an invoice's due date as of ``as_of``."""
    whens = [
        When(due_on__gte=as_of - timedelta(days=b.max_days), then=Value(b.index))
        for b in bucket_set
        if b.max_days is not None
    ]
    return Case(*whens, default=Value(bucket_set[-1].index), output_field=IntegerField())


def _not_closed_on(invoices: QuerySet, as_of: date) -> QuerySet:
    """``invoices`` that existed on ``as_of`` and were neither cancelled nor written off by then."""
    written_off = WriteOffRequest.objects.filter(
        invoice=OuterRef("pk"), status=WriteOffStatus.APPROVED, written_off_on__lte=as_of
    )
    return (
        invoices.filter(issued_on__lte=as_of)
        .exclude(status=InvoiceStatus.CANCELLED)
        .exclude(Exists(written_off))
    )


def open_invoices(invoices: QuerySet, as_of: date) -> QuerySet:
    """``invoices`` with an open amount on ``as_of``, annotated with ``open_amount`` (a row-level
    expression: callers group and sum it further)."""
    later = later_allocations(as_of).filter(invoice=OuterRef("pk"))
    return (
        _not_closed_on(invoices, as_of)
        .filter(Q(allocated__lt=F("amount")) | Q(Exists(later)))
        .annotate(open_amount=open_amount_as_of(as_of))
        .filter(open_amount__gt=0)
    )


def scoped_invoices(user, company_id: int | None = None) -> QuerySet:
    invoices = Invoice.objects.all() if user is None else Invoice.objects.visible_to(user)
    if company_id is not None:
        invoices = invoices.filter(company_id=company_id)
    return invoices


# The report


@dataclass
class AgingRow:
    key: Any
    label: str
    amounts: list[Decimal]
    counts: list[int]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, Decimal(0))

    @property
    def count(self) -> int:
        return sum(self.counts)


@dataclass
class AgingReport:
    as_of: date
    by: str
    buckets: list[rules.Bucket]
    rows: list[AgingRow] = field(default_factory=list)
    totals: AgingRow | None = None

    @property
    def provisions(self) -> list[Decimal]:
        return [
            rules.provision(a, b.provision_percent)
            for a, b in zip(self.totals.amounts, self.buckets, strict=True)
        ]

    @property
    def provision_total(self) -> Decimal:
        return sum(self.provisions, Decimal(0))


_KEYS = {
    "customer": ("customer", "customer__name"),
    "collector": ("owner", "owner__full_name"),
    "unit": ("owner__employee__unit", "owner__employee__unit__name"),
}


def grouped(
    invoices: QuerySet, as_of: date, bucket_set: list[rules.Bucket], by: str, bucket: int | None = None
) -> list[dict[str, Any]]:
    """One statement: (key, label, bucket) → open amount and invoice count.

    The allocations applied after the date are summed once per invoice in a derived table and
    LEFT JOINed (a hash or merge join on PostgreSQL; empty as of today), never a subquery per
    invoice:

        SELECT bucket, key, label, SUM(base + COALESCE(later.total, 0)), COUNT(*)
        FROM (<the scoped invoices, from the ORM>) inv
        LEFT JOIN (SELECT invoice_id, SUM(amount) AS total FROM allocation
                   WHERE applied_on > D GROUP BY invoice_id) later ON later.invoice_id = inv.id
        WHERE base + COALESCE(later.total, 0) > 0
        GROUP BY bucket, key, label

    The last condition alone decides which invoices are open on the date (an invoice fully
    allocated now and without allocations after the date has base ≤ 0), so invoices paid in
    full after the date count, and no "paid after" list is needed."""
    rows = _not_closed_on(invoices, as_of).annotate(bucket=bucket_case(as_of, bucket_set))
    if bucket is not None:
        rows = rows.filter(bucket=bucket)
    columns = {
        "invoice_pk": F("pk"),
        "base": ExpressionWrapper(F("amount") - F("allocated"), output_field=MONEY_FIELD),
    }
    if by != "bucket":
        key, label = _KEYS[by]
        columns |= {"key": F(key), "label": F(label)}
    try:
        inner_sql, inner_params = rows.order_by().values("bucket", **columns).query.sql_with_params()
    except EmptyResultSet:  # a scope that can see nothing (no company, no profile)
        return []
    later_sql, later_params = (
        later_allocations(as_of)
        .order_by()
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .values("invoice_id", "total")
        .query.sql_with_params()
    )
    qn = connection.ops.quote_name
    groups = [qn("bucket")] + ([qn("key"), qn("label")] if by != "bucket" else [])
    group_sql = ", ".join(f"inv.{name}" for name in groups)
    open_sql = f"inv.{qn('base')} + COALESCE(later.{qn('total')}, 0)"
    sql = (
        f"SELECT {group_sql}, SUM({open_sql}), COUNT(*) FROM ({inner_sql}) inv "
        f"LEFT JOIN ({later_sql}) later ON later.{qn('invoice_id')} = inv.{qn('invoice_pk')} "
        f"WHERE {open_sql} > 0 GROUP BY {group_sql}"
    )
    names = ["bucket", *(["key", "label"] if by != "bucket" else []), "open", "n"]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, *later_params])
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _decimal(value) -> Decimal:
    """A SUM from the database cursor as a Decimal (SQLite answers a float: read it as printed)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def aging_report(
    *, user, as_of: date, by: str = "bucket", company_id: int | None = None, bucket: int | None = None
) -> AgingReport:
    """The aging matrix grouped ``by`` (bucket, customer, collector, unit) for what ``user`` sees;
    ``bucket`` limits the rows to those with money in that bucket (the drill-down). Two queries:
    the buckets and the grouped aggregate."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    company_id = company_id if company_id is not None else access.company_id_of(user)
    bucket_set = buckets(company_id)
    invoices = scoped_invoices(user, company_id)
    report = AgingReport(as_of=as_of, by=by, buckets=bucket_set)
    width = len(bucket_set)
    rows: dict[Any, AgingRow] = {}
    totals = AgingRow(key=None, label="", amounts=[Decimal(0)] * width, counts=[0] * width)
    for group in grouped(invoices, as_of, bucket_set, by, bucket):
        key = group.get("key", group["bucket"] if by == "bucket" else None)
        label = group.get("label") or ""
        row = rows.setdefault(
            key, AgingRow(key=key, label=label, amounts=[Decimal(0)] * width, counts=[0] * width)
        )
        amount = to_money(_decimal(group["open"]))
        row.amounts[group["bucket"]] += amount
        row.counts[group["bucket"]] += group["n"]
        totals.amounts[group["bucket"]] += amount
        totals.counts[group["bucket"]] += group["n"]
    report.rows = sorted(rows.values(), key=lambda r: (-r.total, str(r.label)))
    report.totals = totals
    return report


def aging_invoices(
    *,
    user,
    as_of: date,
    company_id: int | None = None,
    bucket: int | None = None,
    customer_id: int | None = None,
    collector_id: int | None = None,
) -> QuerySet:
    """The open invoices behind a cell of the report, oldest due first, each with ``open_amount``,
    ``bucket`` and ``days_overdue`` (computed from ``due_on`` by the caller's template)."""
    company_id = company_id if company_id is not None else access.company_id_of(user)
    bucket_set = buckets(company_id)
    invoices = scoped_invoices(user, company_id)
    if customer_id is not None:
        invoices = invoices.filter(customer_id=customer_id)
    if collector_id is not None:
        invoices = invoices.filter(owner_id=collector_id)
    rows = open_invoices(invoices, as_of).annotate(bucket=bucket_case(as_of, bucket_set))
    if bucket is not None:
        rows = rows.filter(bucket=bucket)
    return rows.select_related("customer", "owner").order_by("due_on", "id")


def provision_report(*, user, as_of: date, company_id: int | None = None) -> list[dict[str, Any]]:
    """Per bucket: open amount, provision percent and provision (open × percent), set-based."""
    report = aging_report(user=user, as_of=as_of, company_id=company_id)
    return [
        {
            "bucket": b.index,
            "label": b.label,
            "open_amount": amount,
            "provision_percent": b.provision_percent,
            "provision": rules.provision(amount, b.provision_percent),
        }
        for b, amount in zip(report.buckets, report.totals.amounts, strict=True)
    ]


def open_by_bucket_for_owners(invoices: QuerySet, as_of: date, bucket_set) -> dict[int, list[Decimal]]:
    """Collector id → open amount per bucket (used by the workbench header)."""
    result: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * len(bucket_set))
    for group in grouped(invoices, as_of, bucket_set, "collector"):
        result[group["key"]][group["bucket"]] += to_money(_decimal(group["open"]))
    return result


def _taken_bound() -> str:
    return gettext("Bucket bounds must be different numbers of days, 0 or more.")


def _bounds(company_id: int, *, without: int | None = None) -> list[tuple[int | None, Decimal]]:
    rows = AgingBucket.objects.filter(company_id=company_id)
    if without is not None:
        rows = rows.exclude(pk=without)
    return list(rows.values_list("max_days", "provision_percent"))


@transaction.atomic
def set_aging_buckets(
    *, acting_user, company, bounds: list[tuple[int | None, Decimal]]
) -> list[rules.Bucket]:
    """Replace the company's buckets: (max days overdue or None for the open-ended one, provision %)."""
    access.require(acting_user, "receivables.configure_collections", company)
    dunning.lock_collection_settings(company.pk)
    rules.refuse(rules.bucket_field_problems(bounds))
    AgingBucket.objects.filter(company=company).delete()
    AgingBucket.objects.bulk_create(
        [
            AgingBucket(company=company, max_days=high, provision_percent=percent, updated_by=acting_user)
            for high, percent in bounds
        ]
    )
    audit.record(
        acting_user,
        "aging_buckets_set",
        company,
        details={"buckets": [[high, str(percent)] for high, percent in bounds]},
    )
    return buckets(company.pk)


@transaction.atomic
def add_aging_bucket(
    *, acting_user, company, max_days: int | None, provision_percent: Decimal
) -> AgingBucket:
    """Split the ladder with a new bound; the set it makes must pass the bucket rules."""
    access.require(acting_user, "receivables.configure_collections", company)
    dunning.lock_collection_settings(company.pk)
    ensure_buckets(company.pk)  # a company that never aged an invoice starts from the default set
    rules.refuse(rules.bucket_field_problems([*_bounds(company.pk), (max_days, provision_percent)]))
    bucket = AgingBucket(
        company=company, max_days=max_days, provision_percent=provision_percent, updated_by=acting_user
    )
    dunning.save_unique(bucket.save, field="max_days", message=_taken_bound())
    audit.record(
        acting_user,
        "aging_buckets_set",
        company,
        details={"added": [max_days, str(provision_percent)]},
    )
    return bucket


@transaction.atomic
def change_aging_bucket(
    *,
    acting_user,
    bucket: AgingBucket,
    expected_version: int,
    max_days: int | None,
    provision_percent: Decimal,
) -> AgingBucket:
    """Move a bucket's bound or change its provision; refused when someone changed it since it
    was loaded (StaleVersion) or when the set it makes breaks a bucket rule."""
    access.require(acting_user, "receivables.configure_collections", bucket)
    dunning.lock_collection_settings(bucket.company_id)
    claim_version(bucket, expected_version=expected_version, acting_user=acting_user)
    others = _bounds(bucket.company_id, without=bucket.pk)
    rules.refuse(rules.bucket_field_problems([*others, (max_days, provision_percent)]))
    before = [bucket.max_days, str(bucket.provision_percent)]
    bucket.max_days, bucket.provision_percent = max_days, provision_percent
    dunning.save_unique(bucket.save, field="max_days", message=_taken_bound())
    audit.record(
        acting_user,
        "aging_buckets_set",
        bucket.company,
        details={"changed": before, "to": [max_days, str(provision_percent)]},
    )
    return bucket


@transaction.atomic
def delete_aging_bucket(*, acting_user, bucket: AgingBucket, expected_version: int) -> None:
    """Remove a bound: its invoices join the next older bucket. "Not yet due" and the open-ended
    bucket stay."""
    access.require(acting_user, "receivables.configure_collections", bucket)
    problem = rules.bucket_removal_problem(bucket.max_days)
    if problem:
        raise BusinessRuleViolation(problem)
    dunning.lock_collection_settings(bucket.company_id)
    claim_version(bucket, expected_version=expected_version, acting_user=acting_user)
    rules.refuse(rules.bucket_field_problems(_bounds(bucket.company_id, without=bucket.pk)))
    removed = [bucket.max_days, str(bucket.provision_percent)]
    bucket.delete()
    audit.record(acting_user, "aging_buckets_set", bucket.company, details={"removed": removed})
