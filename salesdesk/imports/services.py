"""Imports: validate every row first, then write all of them set-based in one transaction (or
only the good ones with ``partial``, or none with ``dry_run``).

Progress: the bar counts rows read and checked. That phase writes nothing but the job's own
counter, so each progress UPDATE commits on its own (the worker runs outside any transaction)
and the page sees it at once. The write phase is a single transaction of a few bulk statements
per thousand rows; it is short, and keeping it one transaction is what makes "all or nothing"
true, so the bar jumps from 99 % to 100 % when it commits rather than exposing half an import."""

import json
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation, SalesDeskError
from salesdesk.imports import readers, rules
from salesdesk.imports.kinds import KINDS, Context, Kind, Row, RowError
from salesdesk.imports.kinds.base import DUPLICATE_KEY
from salesdesk.imports.models import ImportJob, ImportKind, ImportMapping, ImportStatus
from salesdesk.imports.rules import Aliases, Invalid

PROGRESS_EVERY = 500
MAX_FILE_BYTES = 200 * 1024 * 1024
MAPPING_KEYS = ("columns", "aliases", "defaults", "scales")

COLUMN_MISSING = gettext_noop("required column missing from the file")
COLUMN_NOT_IN_FILE = gettext_noop("the mapping names column %(column)s, which is not in the file")
DATABASE_REFUSED = gettext_noop("the database refused the rows: %(error)s")
FILE_UNREADABLE = gettext_noop("%(error)s")


# -- mappings ----------------------------------------------------------------------------------------
def clean_mapping(kind: str, spec: Any) -> dict[str, dict]:
    """Check a mapping (as saved or as uploaded JSON) against the kind's fields."""
    if kind not in KINDS:
        raise BusinessRuleViolation(
            _("Unknown import kind: %(kind)s") % {"kind": kind}, details={"field": "kind"}
        )
    if not isinstance(spec, dict):
        raise BusinessRuleViolation(_("A mapping is a JSON object."), details={"field": "mapping"})
    if spec.get("kind") not in (None, kind):
        raise BusinessRuleViolation(
            _("This mapping is for %(other)s, not %(kind)s.") % {"other": spec["kind"], "kind": kind},
            details={"field": "mapping"},
        )
    fields = {f.name for f in KINDS[kind].fields}
    cleaned: dict[str, dict] = {}
    for key in MAPPING_KEYS:
        part = spec.get(key) or {}
        if not isinstance(part, dict):
            raise BusinessRuleViolation(
                _("“%(key)s” must be an object.") % {"key": key}, details={"field": "mapping"}
            )
        unknown = sorted(set(part) - fields)
        if unknown:
            raise BusinessRuleViolation(
                _("The mapping names fields that %(kind)s do not have: %(fields)s")
                % {"kind": kind, "fields": ", ".join(unknown)},
                details={"field": "mapping", "fields": unknown},
            )
        if key == "aliases" and not all(
            isinstance(v, dict) and all(isinstance(a, str) and isinstance(b, str) for a, b in v.items())
            for v in part.values()
        ):
            raise BusinessRuleViolation(
                _("Aliases map each field to an object of “value in the file”: “value to use”."),
                details={"field": "mapping"},
            )
        if key == "columns" and not all(isinstance(v, str) and v for v in part.values()):
            raise BusinessRuleViolation(
                _("Columns map fields to column headers."), details={"field": "mapping"}
            )
        if key == "scales" and not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in part.values()
        ):
            raise BusinessRuleViolation(_("Scales map fields to numbers."), details={"field": "mapping"})
        if key == "defaults" and not all(isinstance(v, str | int | float | bool) for v in part.values()):
            raise BusinessRuleViolation(
                _("Defaults map fields to single values."), details={"field": "mapping"}
            )
        cleaned[key] = part
    return cleaned


def parse_mapping_json(kind: str, content: bytes | str) -> dict[str, dict]:
    try:
        spec = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise BusinessRuleViolation(
            _("The mapping file is not valid JSON."), details={"field": "mapping"}
        ) from None
    return clean_mapping(kind, spec)


def _company(user):
    employee = getattr(user, "employee", None)
    if employee is None:
        raise BusinessRuleViolation(_("Only employees of a company can import."))
    return employee.company


@transaction.atomic
def save_mapping(*, acting_user, kind: str, name: str, spec: dict[str, Any]) -> ImportMapping:
    """Save a reusable mapping under ``name`` (replacing one of the same name and kind)."""
    access.require(acting_user, "imports.run")
    cleaned = clean_mapping(kind, spec)
    mapping, created = ImportMapping.objects.update_or_create(
        company=_company(acting_user), kind=kind, name=name, defaults={**cleaned, "created_by": acting_user}
    )
    audit.record(acting_user, "import_mapping_saved", mapping, details={"created": created})
    return mapping


# -- starting ----------------------------------------------------------------------------------------
@transaction.atomic
def start_import(
    *,
    acting_user,
    kind: str,
    file: File,
    mapping: ImportMapping | None = None,
    mapping_spec: dict[str, Any] | None = None,
    dry_run: bool = False,
    partial: bool = False,
    background: bool = True,
) -> ImportJob:
    """Create the job and queue it (``background``), or run it now (the command line)."""
    access.require(acting_user, "imports.run")
    company = _company(acting_user)
    if kind not in ImportKind.values:
        raise BusinessRuleViolation(
            _("Unknown import kind: %(kind)s") % {"kind": kind}, details={"field": "kind"}
        )
    if mapping is not None and (mapping.company_id != company.pk or mapping.kind != kind):
        raise BusinessRuleViolation(
            _("That mapping is for another kind of import."), details={"field": "mapping"}
        )
    spec = clean_mapping(
        kind,
        mapping_spec
        if mapping_spec is not None
        else {key: getattr(mapping, key) for key in MAPPING_KEYS}
        if mapping
        else {},
    )
    name = Path(getattr(file, "name", "") or "upload.csv").name[:255]
    if file.size is not None and file.size > MAX_FILE_BYTES:
        raise BusinessRuleViolation(_("The file is larger than 200 MB."), details={"field": "file"})
    job = ImportJob(
        company=company,
        kind=kind,
        original_name=name,
        mapping=mapping,
        mapping_spec=spec,
        dry_run=dry_run,
        partial=partial,
        created_by=acting_user,
    )
    job.file.save(name, file if hasattr(file, "chunks") else ContentFile(file.read()), save=False)
    job.save()
    audit.record(
        acting_user, "import_started", job, details={"kind": kind, "dry_run": dry_run, "partial": partial}
    )
    if background:
        from salesdesk.imports.tasks import run_import_job

        transaction.on_commit(lambda: run_import_job.enqueue(job_id=job.pk))
    return job


# -- running -----------------------------------------------------------------------------------------
def _entry(row: int | None, column: str, value: Any, reason: rules.Reason) -> dict[str, Any]:
    return {
        "row": row,
        "column": column,
        "value": rules.clean_text(value)[:200],
        "message": reason.message,
        "params": reason.params,
    }


def _count_rows(job: ImportJob) -> int:
    with job.file.open("rb") as stream:
        return sum(1 for _row in readers.read_table(stream, job.original_name).rows)


def _resolve_columns(kind: type[Kind], headers: list[str], spec: dict) -> tuple[dict[str, str], list[dict]]:
    """field → header. Without a mapping entry a field takes the column named like it (its code or
    its label in either language, case ignored)."""
    by_fold = {h.strip().lower(): h for h in headers if h}
    columns, problems = {}, []
    for f in kind.fields:
        header = spec["columns"].get(f.name)
        if header is not None:
            if header not in headers:
                problems.append(_entry(1, header, "", rules.Reason(COLUMN_NOT_IN_FILE, {"column": header})))
                continue
            columns[f.name] = header
            continue
        for candidate in (f.name, str(f.label)):
            if candidate.lower() in by_fold:
                columns[f.name] = by_fold[candidate.lower()]
                break
        if f.name not in columns and f.required and f.name not in spec["defaults"]:
            problems.append(_entry(1, f.name, "", rules.Reason(COLUMN_MISSING)))
    return columns, problems


def _set_progress(job: ImportJob, **fields: Any) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def _parse_rows(
    job: ImportJob, kind: Kind, table: readers.Table, columns: dict[str, str], spec: dict, errors: list[dict]
) -> list[Row]:
    aliases = {name: Aliases.of(spec["aliases"].get(name)) for name in columns | spec["defaults"]}
    scales, defaults = spec["scales"], spec["defaults"]
    fields = [f for f in kind.fields if f.name in columns or f.name in defaults]
    key_column = columns.get(kind.key_field, kind.key_field)
    good: list[Row] = []
    first_row_of: dict[str, int] = {}
    for processed, (number, cells) in enumerate(table.rows, start=1):
        values, raw, bad = {}, {}, False
        for f in fields:
            header = columns.get(f.name)
            cell = cells.get(header) if header else None
            if header:
                raw[f.name] = cell
            if rules.is_empty(cell) and f.name in defaults:
                cell = defaults[f.name]
            cell = aliases[f.name].apply(cell)
            if f.name in scales:
                cell = rules.scaled(cell, scales[f.name])
            try:
                values[f.name] = f.parse(cell)
            except Invalid as exc:
                errors.append(_entry(number, header or f.name, raw.get(f.name, cell), exc.reason))
                bad = True
        key = kind.key(values) if not bad else None
        if key is not None:
            if key in first_row_of:
                reason = rules.Reason(DUPLICATE_KEY, {"row": first_row_of[key]})
                errors.append(_entry(number, key_column, key, reason))
                bad = True
            else:
                first_row_of[key] = number
        if not bad:
            good.append(Row(number, values, raw))
        if processed % PROGRESS_EVERY == 0:
            _set_progress(job, processed_rows=processed)
    return good


def _fail(job: ImportJob, message: str, **params: Any) -> ImportJob:
    report = {"errors": [_entry(None, "", "", rules.Reason(message, params))], "warnings": []}
    _set_progress(job, status=ImportStatus.FAILED, report=report, error_count=1, finished_at=timezone.now())
    return job


def run_import(*, job_id: int) -> ImportJob | None:
    """Run a queued job: validate every row, then write (see the module docstring)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("company", "created_by").get(pk=job_id)
    kind = KINDS[job.kind]
    importer = kind()
    spec = clean_mapping(job.kind, job.mapping_spec)
    errors: list[dict] = []
    try:
        _set_progress(job, total_rows=_count_rows(job))
        with job.file.open("rb") as stream:
            table = readers.read_table(stream, job.original_name)
            columns, problems = _resolve_columns(kind, table.headers, spec)
            if problems:
                report = {"errors": problems, "warnings": [], "columns": table.headers}
                _set_progress(
                    job,
                    status=ImportStatus.FAILED,
                    report=report,
                    error_count=len(problems),
                    finished_at=timezone.now(),
                )
                return job
            rows = _parse_rows(job, importer, table, columns, spec, errors)
    except SalesDeskError as exc:
        return _fail(job, FILE_UNREADABLE, error=exc.message)
    ctx = Context(company=job.company, acting_user=job.created_by, now=timezone.now(), job_id=job.pk)
    created, updated = _build(importer, ctx, rows, columns, errors)
    bad_rows = len({e["row"] for e in errors})
    report = {
        "errors": sorted(errors, key=lambda e: e["row"] or 0),
        "warnings": [
            _entry(r.number, columns.get(f, f), r.raw.get(f, ""), reason) for r, f, reason in ctx.warnings
        ],
        "columns": table.headers,
        "stats": ctx.stats,
    }
    outcome = ImportStatus.SUCCEEDED if not errors else ImportStatus.PARTIAL
    if errors and not job.partial:
        outcome = ImportStatus.FAILED
    elif not job.dry_run:
        try:
            with transaction.atomic():
                importer.write(ctx, created, updated)
                audit.record(
                    job.created_by,
                    "import_finished",
                    job,
                    details={"created": len(created), "updated": len(updated), "bad_rows": bad_rows},
                )
        except DatabaseError as exc:
            report["errors"].append(
                _entry(None, "", "", rules.Reason(DATABASE_REFUSED, {"error": str(exc)[:300]}))
            )
            outcome, created, updated = ImportStatus.FAILED, [], []
    _set_progress(
        job,
        status=outcome,
        processed_rows=job.total_rows,
        created_count=len(created),
        updated_count=len(updated),
        error_count=bad_rows,
        report=report,
        finished_at=timezone.now(),
    )
    return job


def _build(
    importer: Kind, ctx: Context, rows: list[Row], columns: dict[str, str], errors: list[dict]
) -> tuple[list, list]:
    """Resolve every reference (one query per reference type), then turn rows into objects."""
    importer.prepare(ctx, rows)
    created, updated = [], []
    for row in rows:
        try:
            obj, is_new = importer.build(ctx, row)
        except RowError as exc:
            errors.append(
                _entry(row.number, columns.get(exc.field, exc.field), row.raw.get(exc.field, ""), exc.reason)
            )
            continue
        (created if is_new else updated).append(obj)
    return created, updated
