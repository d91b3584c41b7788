"""attainment: a year of monthly attainment per rep on three money metrics, through the planning selector.

Prepare (untimed, idempotent): an active SalesPlan of fiscal year ``YEAR`` for the bench company
with one Target per rep (every employee whose position's role is rep, those who left included) ×
each of the 12 months × won, invoiced and collected amount; levels are deterministic
pseudo-random round amounts (floor 80 %, stretch 120 % of the goal). Written with
``salesdesk.core.bulk`` (no history rows), then ANALYZEd on PostgreSQL.

Scenario: what the attainment page / ``salesdesk targets attainment`` does for the year:
``planning.selectors.attainment(user=None, plan=…, period_key=<month>, by="employee",
metric_names=METRICS, as_of=AS_OF)`` for each month — per month the targets query, the targets
adjusted since (the levels in force), and per metric ``metrics.values()`` (its one aggregate),
then one ``Attainment`` per target (levels, done, pace, projection, gap).

Baseline: the same actuals with the least code: one plain query for all the year's targets, and
one hand-written SQL statement per (metric, month) computing each person's actual exactly as the
metric layer defines it (``WON_SQL``, ``INVOICED_SQL``, ``COLLECTED_SQL``), joined in Python into
(target id, actual) rows. Extra ``baseline_one_query_per_metric`` (information only): the targets
query and one statement per metric grouped by (person, month) — the fewest statements the work
takes. All answers are compared per target in cents before timing.
"""

import random
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import connection, transaction

from bench.datagen import org as org_data
from bench.env import BenchSetupError
from bench.harness import Case, Scenario, register
from bench.scale import Scale
from salesdesk.core import bulk
from salesdesk.metrics import selectors as metrics
from salesdesk.org.models import Company, Employee, Role, User
from salesdesk.pipeline.models import CreditSplit, Opportunity, Stage
from salesdesk.planning import selectors as planning
from salesdesk.planning.models import PlanStatus, SalesPlan, Target
from salesdesk.receivables.models import Allocation, Invoice, Payment

# Deals close over the three years before the anchor (2026-11-01) and invoices are issued over the
# two years before it: 2025 is the one whole calendar year both cover (2026 stops in October).
YEAR = 2025
MONTHS = [f"{YEAR}-{month:02d}" for month in range(1, 13)]
METRICS = ["won_amount", "invoiced_amount", "collected_amount"]
# After the year: every month has ended (pace achieved / missed, projection = actual).
AS_OF = date(YEAR + 1, 1, 15)
PLAN_NAME = "基准 attainment"
SEED = org_data.SEED + 11
# Monthly goals in CNY, drawn per target: (low, high) in steps of 10,000.
GOALS = {
    "won_amount": (100_000, 2_000_000),
    "invoiced_amount": (50_000, 1_000_000),
    "collected_amount": (50_000, 1_000_000),
}

# Each won deal closed in the month: one row per credit split (the person, amount × percent), or
# one row for its owner at 100 % (registry._deals, _won_amount_parts; rules.money divides by 100).
WON_SQL = """
SELECT COALESCE(cs.user_id, o.owner_id), SUM(o.amount * COALESCE(cs.percent, 100)) / 100
FROM {opportunity} o
JOIN {stage} s ON s.id = o.stage_id
LEFT JOIN {split} cs ON cs.opportunity_id = o.id
WHERE o.company_id = %s AND s.outcome = 'won' AND o.closed_on >= %s AND o.closed_on <= %s
GROUP BY 1
"""
# Invoices issued in the month, not cancelled, for the invoice's collector (money._invoiced_parts).
INVOICED_SQL = """
SELECT i.owner_id, SUM(i.amount)
FROM {invoice} i
WHERE i.company_id = %s AND i.issued_on >= %s AND i.issued_on <= %s AND i.status <> 'cancelled'
GROUP BY 1
"""
# Receipt allocations applied in the month (credit notes excluded) to the company's invoices, for
# the invoice's collector (money._collected_parts).
COLLECTED_SQL = """
SELECT i.owner_id, SUM(a.amount)
FROM {allocation} a
JOIN {payment} p ON p.id = a.payment_id
JOIN {invoice} i ON i.id = a.invoice_id
WHERE i.company_id = %s AND a.applied_on >= %s AND a.applied_on <= %s AND p.kind = 'receipt'
GROUP BY 1
"""
TARGETS_SQL = """
SELECT id, metric, period_key, owner_user_id
FROM {target}
WHERE plan_id = %s AND owner_user_id IS NOT NULL AND metric IN ({metrics}) AND period_key IN ({months})
"""

# The extra: one statement per metric over the whole year, grouped by (person, month).
WON_BY_MONTH_SQL = """
SELECT COALESCE(cs.user_id, o.owner_id), {month}, SUM(o.amount * COALESCE(cs.percent, 100)) / 100
FROM {opportunity} o
JOIN {stage} s ON s.id = o.stage_id
LEFT JOIN {split} cs ON cs.opportunity_id = o.id
WHERE o.company_id = %s AND s.outcome = 'won' AND o.closed_on >= %s AND o.closed_on <= %s
GROUP BY 1, 2
"""
INVOICED_BY_MONTH_SQL = """
SELECT i.owner_id, {month}, SUM(i.amount)
FROM {invoice} i
WHERE i.company_id = %s AND i.issued_on >= %s AND i.issued_on <= %s AND i.status <> 'cancelled'
GROUP BY 1, 2
"""
COLLECTED_BY_MONTH_SQL = """
SELECT i.owner_id, {month}, SUM(a.amount)
FROM {allocation} a
JOIN {payment} p ON p.id = a.payment_id
JOIN {invoice} i ON i.id = a.invoice_id
WHERE i.company_id = %s AND a.applied_on >= %s AND a.applied_on <= %s AND p.kind = 'receipt'
GROUP BY 1, 2
"""
# The date column each by-month statement groups on.
MONTH_OF = {"won_amount": "o.closed_on", "invoiced_amount": "i.issued_on", "collected_amount": "a.applied_on"}


def _tables() -> dict[str, str]:
    return {
        "opportunity": Opportunity._meta.db_table,
        "stage": Stage._meta.db_table,
        "split": CreditSplit._meta.db_table,
        "invoice": Invoice._meta.db_table,
        "payment": Payment._meta.db_table,
        "allocation": Allocation._meta.db_table,
        "target": Target._meta.db_table,
    }


def _month_expression(column: str) -> str:
    """The month number (1–12) of a date column, in the database's own dialect."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(MONTH FROM {column})::integer"
    return f"CAST(strftime('%%m', {column}) AS INTEGER)"


def _cents(value) -> int:
    return int((Decimal(str(value)) * 100).quantize(Decimal(1)))


def _rows(pairs) -> list[tuple[int, int]]:
    """(target id, actual in cents), sorted: the form every answer is compared in."""
    return sorted((target_id, _cents(actual)) for target_id, actual in pairs)


def _rep_user_ids(company: Company) -> list[int]:
    return list(
        Employee.objects.filter(company=company, position__role=Role.REP)
        .order_by("employee_no")
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def ensure_plan(company: Company) -> tuple[SalesPlan, int]:
    """The bench plan with a target per rep × month × metric; (plan, number of reps). Rebuilt
    only when its targets are not all there (another scale, or an interrupted run)."""
    reps = _rep_user_ids(company)
    plan = SalesPlan.objects.filter(company=company, fiscal_year=YEAR, status=PlanStatus.ACTIVE).first()
    if plan is None:
        director = User.objects.get(username=org_data.DIRECTOR)
        number = SalesPlan.objects.filter(company=company, fiscal_year=YEAR).count() + 1
        plan = SalesPlan.objects.create(
            company=company,
            fiscal_year=YEAR,
            number=number,
            name=PLAN_NAME,
            status=PlanStatus.ACTIVE,
            created_by=director,
            activated_at=datetime(YEAR, 1, 1, tzinfo=UTC),
        )
    wanted = len(reps) * len(MONTHS) * len(METRICS)
    if plan.targets.filter(owner_user__isnull=False, period_key__in=MONTHS).count() == wanted:
        return plan, len(reps)
    with connection.cursor() as cursor:
        # Plain DELETE: the ORM's would collect 36,000 rows and write a history row for each.
        cursor.execute(f"DELETE FROM {Target._meta.db_table} WHERE plan_id = %s", [plan.pk])
    rng = random.Random(SEED)
    targets = []
    for metric in METRICS:
        low, high = GOALS[metric]
        for month in MONTHS:
            period = metrics.period_for(month)
            for user_id in reps:
                goal = Decimal(rng.randrange(low, high + 1, 10_000))
                targets.append(
                    Target(
                        plan=plan,
                        metric=metric,
                        owner_user_id=user_id,
                        period_key=month,
                        period_start=period.start,
                        period_end=period.end,
                        floor=goal * 8 / 10,
                        goal=goal,
                        stretch=goal * 12 / 10,
                    )
                )
    bulk.insert_instances(Target, targets)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Target._meta.db_table}")
    return plan, len(reps)


def prepare(scale: Scale) -> Case:
    if not (scale.opportunities and scale.invoices):
        raise BenchSetupError(
            "attainment needs deals and invoices: pass --customers N --opportunities N --invoices N"
        )
    company = Company.objects.get(name=org_data.COMPANY_NAME)
    plan, reps = ensure_plan(company)
    tables = _tables()
    per_month = {
        "won_amount": WON_SQL.format(**tables),
        "invoiced_amount": INVOICED_SQL.format(**tables),
        "collected_amount": COLLECTED_SQL.format(**tables),
    }
    by_month = {
        metric: sql.format(month=_month_expression(MONTH_OF[metric]), **tables)
        for metric, sql in (
            ("won_amount", WON_BY_MONTH_SQL),
            ("invoiced_amount", INVOICED_BY_MONTH_SQL),
            ("collected_amount", COLLECTED_BY_MONTH_SQL),
        )
    }
    targets_sql = TARGETS_SQL.format(
        target=tables["target"],
        metrics=", ".join(["%s"] * len(METRICS)),
        months=", ".join(["%s"] * len(MONTHS)),
    )
    periods = {month: metrics.period_for(month) for month in MONTHS}
    year = metrics.period_for(str(YEAR))

    def scenario(_page_size: int):
        return [
            row
            for month in MONTHS
            for row in planning.attainment(
                user=None, plan=plan, period_key=month, by="employee", metric_names=METRICS, as_of=AS_OF
            )
        ]

    def year_targets(cursor) -> list[tuple]:
        cursor.execute(targets_sql, [plan.pk, *METRICS, *MONTHS])
        return cursor.fetchall()

    def baseline(_page_size: int):
        with connection.cursor() as cursor:
            targets = year_targets(cursor)
            actuals = {}
            for metric, sql in per_month.items():
                for month, period in periods.items():
                    cursor.execute(sql, [company.pk, period.start, period.end])
                    actuals[metric, month] = dict(cursor.fetchall())
        return [(pk, actuals[metric, month].get(owner) or 0) for pk, metric, month, owner in targets]

    def baseline_one_query_per_metric(_page_size: int):
        with connection.cursor() as cursor:
            targets = year_targets(cursor)
            actuals = {}
            for metric, sql in by_month.items():
                cursor.execute(sql, [company.pk, year.start, year.end])
                for owner, month, amount in cursor.fetchall():
                    actuals[metric, f"{YEAR}-{month:02d}", owner] = amount
        return [(pk, actuals.get((metric, month, owner)) or 0) for pk, metric, month, owner in targets]

    def ids(answer) -> list[tuple[int, int]]:
        if answer and hasattr(answer[0], "target_id"):
            return _rows((row.target_id, row.actual) for row in answer)
        return _rows(answer)

    expected = reps * len(MONTHS) * len(METRICS)
    scenario_rows = ids(scenario(0))
    if len(scenario_rows) != expected:
        raise AssertionError(f"expected {expected} attainment rows, got {len(scenario_rows)}")
    if ids(baseline_one_query_per_metric(0)) != scenario_rows:
        raise AssertionError("the one-query-per-metric baseline and the scenario disagree")
    return Case(
        scenario=scenario,
        baseline=baseline,
        ids=ids,
        request=(
            f'attainment(user=None, plan={plan.pk}, period_key=<each month of {YEAR}>, by="employee", '
            f'metric_names={METRICS}, as_of="{AS_OF}") × 12'
        ),
        extras={"baseline_one_query_per_metric": baseline_one_query_per_metric},
        full_page=False,
        query_page_sizes=(50,),
        notes=(
            f"{reps} reps (role rep, leavers included) × 12 months × 3 metrics = {expected} targets of "
            f"plan {plan.pk} (fiscal year {YEAR}). scenario: planning.selectors.attainment() per month, "
            "system run (user=None): the targets query (owner label and sort key joined), "
            "the targets adjusted after as_of (one query; none in the bench plan, so levels_in_force "
            "is not called), per metric metrics.values() (its one aggregate, rules.money per person), "
            "then one Attainment per "
            "target (levels, done, pace, projection, gap). baseline: one plain query for the year's "
            "targets and one hand-written statement per (metric, month) — WON_SQL (deals ⟕ credit "
            "splits, amount × COALESCE(percent, 100) / 100 per COALESCE(split person, owner)), "
            "INVOICED_SQL (issued in the month, not cancelled, per collector), COLLECTED_SQL (receipt "
            "allocations applied in the month to the company's invoices, per invoice collector; "
            "money.py filters a system run on the joined invoice's company the same way) — "
            "joined in Python into (target id, actual); no labels, levels, pace. Compared per target "
            "in cents. baseline_one_query_per_metric (information only): the targets query and one "
            "statement per metric over the year grouped by (person, month)."
        ),
    )


SCENARIO = register(
    Scenario(
        name="attainment",
        description=f"Monthly attainment of {YEAR} for every rep on won, invoiced and collected amount "
        "(12 calls of the planning selector) against hand-written SQL.",
        prepare=prepare,
        # Goal: at most 1.2 × the hand-written SQL's time.
        min_ratio=round(1 / 1.2, 4),
        repeat=7,
        warmup=1,
    )
)
