# ruff: noqa: E501  (test tables and SQL read better unwrapped)
"""ar_aging: the AR aging report of the whole company, per collector × bucket, as of a date.

Scenario: ``salesdesk.receivables.aging.aging_report(user=<a finance user>, as_of=…,
by="collector")`` — the bucket configuration, then ONE grouped statement over the visible invoices
(finance: the whole company) with a CASE on the due date and the open amount as of the date
(``amount − allocated + allocations applied after the date``: the allocations after the date
summed once per invoice in a derived table, LEFT JOINed), pivoted in Python per group.

Baseline: the same aggregate as one hand-written SQL statement (``BASELINE_SQL``) through a plain
cursor, same open-amount formula (the same LEFT JOIN of the later allocations summed per invoice)
and the same buckets, no labels, no pivot. Both are compared per
(collector, bucket) in cents before timing. timed date is the anchor (today's aging: no allocation is after it); before timing, both are
also compared as of six months earlier, where many allocations are "after".

Memory: the peak Python heap of one scenario call (tracemalloc) and the process's peak RSS are
written to the JSON; the goal is ≤ 300 MB for both.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import connection

from bench.datagen import org as org_data
from bench.datagen.receivables import ANCHOR
from bench.env import BenchSetupError
from bench.harness import Case, Scenario, register
from bench.scale import Scale
from salesdesk.org.models import Company, Employee, Role
from salesdesk.receivables import aging
from salesdesk.receivables.models import Allocation, Invoice, WriteOffRequest

PAST = ANCHOR - timedelta(days=182)

BASELINE_SQL = """
SELECT i.owner_id,
       CASE {whens} ELSE {last} END AS bucket,
       SUM(i.amount - i.allocated + COALESCE(later.total, 0)) AS open_amount
FROM {invoice} i
LEFT JOIN (SELECT invoice_id, SUM(amount) AS total FROM {allocation} WHERE applied_on > %s
           GROUP BY invoice_id) later ON later.invoice_id = i.id
WHERE i.company_id = %s AND i.issued_on <= %s AND i.status <> 'cancelled'
  AND NOT EXISTS (SELECT 1 FROM {write_off} w WHERE w.invoice_id = i.id AND w.status = 'approved'
                  AND w.written_off_on <= %s)
  AND i.amount - i.allocated + COALESCE(later.total, 0) > 0
GROUP BY 1, 2
"""


def baseline_sql(bucket_set) -> tuple[str, list]:
    whens, params = [], []
    for bucket in bucket_set:
        if bucket.max_days is not None:
            whens.append(f"WHEN i.due_on >= %s THEN {bucket.index}")
            params.append(bucket.max_days)
    sql = BASELINE_SQL.format(
        whens=" ".join(whens),
        last=bucket_set[-1].index,
        allocation=Allocation._meta.db_table,
        invoice=Invoice._meta.db_table,
        write_off=WriteOffRequest._meta.db_table,
    )
    return sql, params


def _cents(value) -> int:
    return int((Decimal(str(value)) * 100).quantize(Decimal(1)))


def _rows(triples) -> list[tuple[int, int, int]]:
    return sorted((key, bucket, _cents(amount)) for key, bucket, amount in triples if amount)


def finance_user(company: Company):
    employee = (
        Employee.objects.filter(company=company, position__role=Role.FINANCE, status="active")
        .select_related("user")
        .order_by("employee_no")
        .first()
    )
    if employee is None:
        raise BenchSetupError("the bench company has no finance staff")
    return employee.user


def prepare(scale: Scale) -> Case:
    if not scale.invoices:
        raise BenchSetupError("ar_aging needs invoices: pass --customers N --invoices N")
    company = Company.objects.get(name=org_data.COMPANY_NAME)
    user = finance_user(company)
    bucket_set = aging.buckets(company.pk)
    sql, bound_days = baseline_sql(bucket_set)

    def run_scenario(as_of):
        report = aging.aging_report(user=user, as_of=as_of, by="collector")
        return [
            (row.key, index, amount)
            for row in report.rows
            for index, amount in enumerate(row.amounts)
            if amount
        ]

    def run_baseline(as_of):
        dates = [as_of - timedelta(days=days) for days in bound_days]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*dates, as_of, company.pk, as_of, as_of])
            return cursor.fetchall()

    if _rows(run_scenario(PAST)) != _rows(run_baseline(PAST)):
        raise AssertionError("scenario and baseline disagree as of the past date")

    return Case(
        scenario=lambda _size: run_scenario(ANCHOR),
        baseline=lambda _size: run_baseline(ANCHOR),
        ids=_rows,
        request=f'aging_report(user=<finance>, as_of="{ANCHOR}", by="collector")',
        full_page=False,
        query_page_sizes=(50,),
        memory_limit_mb=300,
        notes=(
            "scenario: receivables.aging.aging_report() as a finance user (scope: the whole company): "
            "one query for the bucket configuration, one grouped aggregate (CASE on due_on, open "
            "amount as of the date from the invoice's running sum plus the allocations after the "
            "date summed per invoice in a LEFT JOINed derived table, collector name joined), to_money and the pivot in Python. baseline: BASELINE_SQL "
            "through a Django cursor, the same formula, no names, no pivot. Compared per (collector, "
            f"bucket) in cents as of {ANCHOR} and {PAST}."
        ),
    )


SCENARIO = register(
    Scenario(
        name="ar_aging",
        description="AR aging of the whole company per collector and bucket, through the aging selector.",
        prepare=prepare,
        # Goal: at most 2 × the hand-written SQL's time, and peak memory ≤ 300 MB.
        min_ratio=0.5,
        repeat=7,
        warmup=1,
    )
)
