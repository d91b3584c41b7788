"""import_opportunities: a regional manager imports 100,000 deals of their region from a CSV file,
validated, all or nothing.

Scenario: ``salesdesk.imports.services.start_import(kind="opportunities", background=False)`` and
``run_import(job_id)``, as the command line runs it: the file is stored, every row parsed and
checked (stage, owner in the importer's scope, customer visible to them, dates), references
resolved in bulk, then one transaction writes the deals with their history rows and first stage
changes.

Baseline: the same rows from the same file the least costly way: csv.reader, three dictionaries
(customers, people, stages) and ``COPY`` (PostgreSQL) / ``executemany`` (SQLite) into the
opportunity table alone. Goal: the import writes at least 1/5 of the baseline's rows per second.

What each call wrote is deleted untimed before the next one (``after_each``).
"""

import csv
import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from bench.datagen import org as org_data
from bench.datagen import sales as sales_data
from bench.env import VAR_DIR, BenchSetupError
from bench.harness import Case, Scenario, register
from bench.scale import Scale
from salesdesk.core import bulk
from salesdesk.core.access import visible_q
from salesdesk.customers.models import Customer
from salesdesk.imports import services as imports
from salesdesk.imports.models import ImportJob, ImportStatus
from salesdesk.org.models import Employee, User
from salesdesk.pipeline.models import Opportunity, Stage, StageChange

ROWS = 100_000
PREFIX = "BENCH-IMP-"
HEADERS = ["external_id", "name", "customer", "owner", "stage", "amount", "engaged_on", "closed_on",
           "expected_close_on", "competitor"]  # fmt: skip


def write_file(manager: User, rows: int) -> tuple[str, int]:
    """The CSV a manager would export from their old CRM: deals of customers their region owns."""
    customers = list(
        Customer.objects.filter(visible_q(manager, owner="owner"), owner__isnull=False)
        .order_by("pk")
        .values_list("external_id", "owner__username")
    )
    if len(customers) < 100:
        raise BenchSetupError("import_opportunities needs customers in bench_manager's region")
    codes = list(Stage.objects.filter(company=manager.employee.company).values_list("code", "outcome"))
    rng = random.Random(sales_data.SEED + 2)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / f"import-opportunities-{rows}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for i in range(rows):
            customer, owner = customers[rng.randrange(len(customers))]
            code, outcome = codes[rng.randrange(len(codes))]
            engaged = sales_data.ANCHOR - timedelta(days=rng.randrange(30, 700))
            closed = engaged + timedelta(days=rng.randrange(10, 25)) if outcome != "open" else None
            writer.writerow(
                [
                    f"{PREFIX}{i + 1:07d}",
                    f"导入商机 {i + 1}",
                    customer,
                    owner,
                    code,
                    f"{rng.randrange(50, 3000) * 1000}.00",
                    engaged.isoformat(),
                    closed.isoformat() if closed else "",
                    (closed or sales_data.ANCHOR + timedelta(days=60)).isoformat(),
                    "",
                ]
            )
    return str(path), rows


def run_app_import(manager: User, path: str) -> ImportJob:
    with open(path, "rb") as stream:
        job = imports.start_import(
            acting_user=manager, kind="opportunities", file=File(stream, name="deals.csv"), background=False
        )
    job = imports.run_import(job_id=job.pk)
    if job.status != ImportStatus.SUCCEEDED:
        raise AssertionError(f"import {job.status}: {str(job.report.get('errors'))[:500]}")
    return job


def copy_baseline(manager: User, path: str) -> int:
    """The same rows into the opportunity table by hand: parse, look up, COPY / executemany."""
    company_id = manager.employee.company_id
    customers = dict(Customer.objects.filter(company_id=company_id).values_list("external_id", "pk"))
    people = dict(Employee.objects.filter(company_id=company_id).values_list("user__username", "user_id"))
    stages = {code: (pk, p) for code, pk, p in Stage.objects.filter(company_id=company_id).values_list(
        "code", "pk", "probability")}  # fmt: skip
    now = bulk.timestamp(timezone.now())

    def day(text: str):
        return datetime.strptime(text, "%Y-%m-%d").date() if text else None

    def rows():
        with open(path, newline="", encoding="utf-8") as stream:
            reader = csv.reader(stream)
            next(reader)
            for external_id, name, customer, owner, stage, amount, engaged, closed, expected, rival in reader:
                stage_id, probability = stages[stage]
                yield (
                    company_id, external_id, name, customers[customer], people[owner], stage_id,
                    Decimal(amount), probability, day(engaged), day(closed), day(expected), rival, "",
                    now, now, 1, manager.pk,
                )  # fmt: skip

    columns = ["company_id", "external_id", "name", "customer_id", "owner_id", "stage_id", "amount",
               "probability", "engaged_on", "closed_on", "expected_close_on", "competitor", "loss_note",
               "created_at", "updated_at", "version", "updated_by_id"]  # fmt: skip
    with transaction.atomic():
        return bulk.insert(Opportunity, columns, rows())


def delete_imported() -> None:
    """Remove what a call wrote: its deals, their history and stage changes, the job and its file."""
    deals = Opportunity.objects.filter(external_id__startswith=PREFIX)
    with transaction.atomic():
        StageChange.objects.filter(opportunity__in=deals.values("pk"))._raw_delete(connection.alias)
        Opportunity.history.filter(external_id__startswith=PREFIX)._raw_delete(connection.alias)
        deals._raw_delete(connection.alias)
        for job in ImportJob.objects.filter(kind="opportunities"):
            job.file.delete(save=False)
            job.delete()


def prepare(scale: Scale) -> Case:
    if not scale.customers:
        raise BenchSetupError("import_opportunities needs customers: pass --customers N")
    manager = User.objects.select_related("employee").get(username=org_data.MANAGER)
    path, rows = write_file(manager, ROWS)
    delete_imported()

    def scenario(_page_size: int):
        return run_app_import(manager, path)

    def baseline(_page_size: int):
        return copy_baseline(User.objects.select_related("employee").get(pk=manager.pk), path)

    def ids(answer) -> list[int]:
        # Both wrote every row of the file; the rows themselves are compared below, once.
        written = answer.created_count if isinstance(answer, ImportJob) else answer
        return [written]

    _check_same_deals(manager, path)
    method = "COPY" if connection.vendor == "postgresql" else "executemany"
    return Case(
        scenario=scenario,
        baseline=baseline,
        ids=ids,
        request=f"start_import + run_import of {rows:,} opportunities (CSV) as {manager.username}",
        page_size=rows,
        full_page=False,
        query_page_sizes=(rows,),
        after_each=delete_imported,
        notes=(
            "scenario: imports.services.start_import(kind='opportunities', background=False) then "
            "run_import(): stores the file, counts and parses every row, resolves owners, customers and "
            "stages, builds Opportunity objects, bulk_create_with_history (deals + history rows), "
            "first StageChange rows, the job's progress and report, one audit row. "
            f"baseline: csv.reader, dictionaries of customers, people and stages, {method} into the "
            "opportunity table only (no history, no stage changes, no job). The written deals are "
            "compared column by column once before timing. Each call's rows are deleted untimed."
        ),
    )


COMPARED = ["external_id", "name", "customer_id", "owner_id", "stage_id", "amount", "probability",
            "engaged_on", "closed_on", "expected_close_on", "competitor"]  # fmt: skip


def _check_same_deals(manager: User, path: str) -> None:
    def written() -> list[tuple]:
        return list(Opportunity.objects.filter(external_id__startswith=PREFIX).order_by("external_id")
                    .values_list(*COMPARED)[:2000])  # fmt: skip

    run_app_import(manager, path)
    by_import = written()
    delete_imported()
    copy_baseline(manager, path)
    by_copy = written()
    delete_imported()
    if by_import != by_copy:
        raise AssertionError(f"import and baseline wrote different deals, e.g. {by_import[0]} / {by_copy[0]}")


SCENARIO = register(
    Scenario(
        name="import_opportunities",
        description=f"A manager imports {ROWS:,} deals from CSV, validated, all or nothing.",
        prepare=prepare,
        min_ratio=0.2,
        repeat=3,
        warmup=0,
    )
)
