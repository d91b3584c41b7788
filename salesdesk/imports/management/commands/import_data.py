"""salesdesk import KIND FILE [--mapping FILE] [--dry-run] [--partial] [--report-json FILE] [--user NAME]

Runs the import in this process (no worker needed), prints the outcome and the bad rows, and
exits with status 1 when nothing was imported because of bad rows."""

import json
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from salesdesk.core.errors import SalesDeskError
from salesdesk.imports import selectors, services
from salesdesk.imports.models import ImportKind, ImportStatus
from salesdesk.org.models import Employee, User

SHOWN_LINES = 50


class Command(BaseCommand):
    help = "Import customers, contacts, products, employees, leads or opportunities from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mapping", type=Path, help="a mapping JSON file (columns, aliases, defaults, scales)"
        )
        parser.add_argument("--saved-mapping", help="the name of a mapping saved in SalesDesk")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--partial", action="store_true", help="import the good rows even if some are bad"
        )
        parser.add_argument(
            "--report-json", type=Path, help="write the report (counts, errors, warnings) here"
        )
        parser.add_argument(
            "--user", help="import as this user (default: the only administrator with an employee record)"
        )

    def _user(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {username!r}")
            return user
        admins = list(
            Employee.objects.filter(
                position__role="admin", status="active", user__is_active=True
            ).select_related("user")[:2]
        )
        if len(admins) != 1:
            raise CommandError("say who imports: --user USERNAME")
        return admins[0].user

    def handle(
        self, *args, kind, file: Path, mapping, saved_mapping, dry_run, partial, report_json, user, **options
    ):
        acting_user = self._user(user)
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        try:
            spec = services.parse_mapping_json(kind, mapping.read_bytes()) if mapping else None
            saved = None
            if saved_mapping:
                saved = selectors.mappings(acting_user, kind).filter(name=saved_mapping).first()
                if saved is None:
                    raise CommandError(f"no saved {kind} mapping named {saved_mapping!r}")
            with file.open("rb") as stream:
                job = services.start_import(
                    acting_user=acting_user,
                    kind=kind,
                    file=File(stream, name=file.name),
                    mapping=saved,
                    mapping_spec=spec,
                    dry_run=dry_run,
                    partial=partial,
                    background=False,
                )
            job = services.run_import(job_id=job.pk) or job
        except SalesDeskError as exc:
            raise CommandError(exc.message) from None
        lines = selectors.report_lines(job)
        if report_json:
            report_json.write_text(
                json.dumps(
                    {
                        "job": job.pk,
                        "kind": job.kind,
                        "file": job.original_name,
                        "status": job.status,
                        "dry_run": job.dry_run,
                        "partial": job.partial,
                        "rows": job.total_rows,
                        "created": job.created_count,
                        "updated": job.updated_count,
                        "bad_rows": job.error_count,
                        "errors": [line for line in lines if line["severity"] == "error"],
                        "warnings": [line for line in lines if line["severity"] == "warning"],
                    },
                    ensure_ascii=False,
                    indent=1,
                ),
                encoding="utf-8",
            )
        for line in lines[:SHOWN_LINES]:
            self.stdout.write(
                f"{line['severity']}: row {line['row']}, {line['column']} = {line['value']!r}: "
                f"{line['reason']}"
            )
        if len(lines) > SHOWN_LINES:
            self.stdout.write(f"… and {len(lines) - SHOWN_LINES} more lines in the report")
        summary = (
            f"{job.get_status_display()}: {job.total_rows} rows, {job.created_count} created, "
            f"{job.updated_count} updated, {job.error_count} bad rows"
            f"{' (dry run: nothing written)' if job.dry_run else ''}"
        )
        if job.status == ImportStatus.FAILED:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
