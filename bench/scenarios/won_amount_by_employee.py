"""won_amount_by_employee: the won amount of a whole year per credited person, company-wide.

Scenario: ``salesdesk.metrics.selectors.compute("won_amount", by="employee", period=<year>,
company=<bench company>)`` — the metric registry's one aggregate (deals LEFT JOIN credit splits,
weighted by percent), the label query, finishing and ordering in Python.

Baseline: the same numbers in one hand-written SQL statement (``BASELINE_SQL``), fetched with a
plain cursor. DuckDB (``duckdb_floor``, information only): the same aggregate over the same rows
copied once into an in-memory DuckDB table — what a columnar engine needs for this work, the
physical floor on this machine. DuckDB is a dev dependency only; without it the extra is skipped.
"""

import csv
import time
from decimal import Decimal

from django.db import connection

from bench.datagen import org as org_data
from bench.env import VAR_DIR, BenchSetupError
from bench.harness import Case, Scenario, register
from bench.scale import Scale
from salesdesk.metrics import selectors as metrics
from salesdesk.org.models import Company
from salesdesk.pipeline.models import CreditSplit, Opportunity, Stage

YEAR = 2025

# Each won deal closed in the year gives one row per credit split (the person, amount × percent)
# or, without splits, one row for its owner at 100 %.
BASELINE_SQL = """
SELECT COALESCE(cs.user_id, o.owner_id) AS person,
       SUM(o.amount * COALESCE(cs.percent, 100)) / 100 AS won
FROM {opportunity} o
JOIN {stage} s ON s.id = o.stage_id
LEFT JOIN {split} cs ON cs.opportunity_id = o.id
WHERE o.company_id = %s AND s.outcome = 'won' AND o.closed_on >= %s AND o.closed_on <= %s
GROUP BY COALESCE(cs.user_id, o.owner_id)
"""

DUCKDB_SQL = """
SELECT COALESCE(cs.user_id, o.owner_id) AS person, SUM(o.amount * COALESCE(cs.percent, 100)) / 100 AS won
FROM o LEFT JOIN cs ON cs.opportunity_id = o.id
WHERE o.won AND o.closed_on BETWEEN ? AND ?
GROUP BY 1
"""


def _sql() -> str:
    return BASELINE_SQL.format(
        opportunity=Opportunity._meta.db_table, stage=Stage._meta.db_table, split=CreditSplit._meta.db_table
    )


def _cents(value) -> int:
    return int((Decimal(str(value)) * 100).quantize(Decimal(1)))


def _rows(pairs) -> list[tuple[int, int]]:
    """(person, won amount in cents), sorted: the form both answers are compared in."""
    return sorted((key, _cents(value)) for key, value in pairs)


def _duckdb_floor(company: Company, start, end):
    """Copy the deal and split columns the aggregate needs into DuckDB once (through a CSV file:
    the database scanner extensions are downloads), and return a call timing only the aggregate."""
    try:
        import duckdb
    except ImportError:
        return None, "duckdb is not installed: no floor measured"
    started = time.perf_counter()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    deals_csv, splits_csv = VAR_DIR / "duckdb-deals.csv", VAR_DIR / "duckdb-splits.csv"
    won_stage = Stage.objects.get(company=company, outcome="won").pk
    with deals_csv.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "owner_id", "amount", "closed_on", "won"])
        deals = Opportunity.objects.filter(company=company).values_list(
            "id", "owner_id", "amount", "closed_on", "stage_id"
        )
        for pk, owner, amount, closed, stage in deals.iterator(chunk_size=50_000):
            writer.writerow([pk, owner, amount, closed or "", stage == won_stage])
    with splits_csv.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["opportunity_id", "user_id", "percent"])
        writer.writerows(
            CreditSplit.objects.filter(opportunity__company=company)
            .values_list("opportunity_id", "user_id", "percent")
            .iterator(chunk_size=50_000)
        )
    db = duckdb.connect()
    db.execute(
        "CREATE TABLE o AS SELECT * FROM read_csv(?, header = true, columns = {'id': 'BIGINT', "
        "'owner_id': 'BIGINT', 'amount': 'DECIMAL(18, 2)', 'closed_on': 'DATE', 'won': 'BOOLEAN'})",
        [str(deals_csv)],
    )
    db.execute(
        "CREATE TABLE cs AS SELECT * FROM read_csv(?, header = true, columns = {'opportunity_id': "
        "'BIGINT', 'user_id': 'BIGINT', 'percent': 'DECIMAL(5, 2)'})",
        [str(splits_csv)],
    )
    deals_csv.unlink()
    splits_csv.unlink()
    copy_seconds = time.perf_counter() - started

    def floor(_page_size: int):
        return db.execute(DUCKDB_SQL, [start, end]).fetchall()

    return floor, f"DuckDB {duckdb.__version__}, rows copied in once in {copy_seconds:.1f} s (not timed)"


def prepare(scale: Scale) -> Case:
    if not scale.opportunities:
        raise BenchSetupError("won_amount_by_employee needs deals: pass --customers N --opportunities N")
    company = Company.objects.get(name=org_data.COMPANY_NAME)
    period = metrics.period_for(str(YEAR))
    sql = _sql()

    def scenario(_page_size: int):
        return metrics.compute("won_amount", by="employee", period=str(YEAR), company=company)

    def baseline(_page_size: int):
        with connection.cursor() as cursor:
            cursor.execute(sql, [company.pk, period.start, period.end])
            return cursor.fetchall()

    def ids(answer) -> list[tuple[int, int]]:
        if answer and hasattr(answer[0], "key"):
            return _rows((row.key, row.value) for row in answer)
        return _rows(answer)

    extras, floor_note = {}, ""
    floor, floor_note = _duckdb_floor(company, period.start, period.end)
    if floor is not None:
        if ids(floor(0)) != ids(baseline(0)):
            raise AssertionError("DuckDB and the SQL baseline disagree")
        extras["duckdb_floor"] = floor
    return Case(
        scenario=scenario,
        baseline=baseline,
        ids=ids,
        request=f'compute("won_amount", by="employee", period="{YEAR}", company={company.pk})',
        extras=extras,
        full_page=False,
        query_page_sizes=(50,),
        notes=(
            "scenario: metrics.selectors.compute(), unscoped system run for the bench company: the "
            "registry's aggregate (Opportunity LEFT JOIN CreditSplit, weighted sum, GROUP BY person), "
            "one query for the person labels, rules.money() per row, sorting. baseline: BASELINE_SQL "
            "through a Django cursor (same rows, amounts × credit percent / 100), no labels. Both are "
            "compared per person in cents before timing. duckdb_floor (information only): "
            f"the same aggregate in DuckDB over the same rows; {floor_note}."
        ),
    )


SCENARIO = register(
    Scenario(
        name="won_amount_by_employee",
        description=f"Won amount of {YEAR} per credited person (credit splits included), whole company, "
        "through the metric layer.",
        prepare=prepare,
        # Goal: at most 1.2 × the hand-written SQL's time.
        min_ratio=round(1 / 1.2, 4),
        repeat=15,
        warmup=2,
    )
)
