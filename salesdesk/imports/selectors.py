"""Reads about imports, scoped: one's own jobs (directors and admins: the company's)."""

from typing import Any

from django.db.models import QuerySet

from salesdesk.imports.models import ImportJob, ImportMapping
from salesdesk.imports.rules import Reason


def jobs(user) -> QuerySet[ImportJob]:
    return ImportJob.objects.visible_to(user).select_related("created_by", "mapping")


def mappings(user, kind: str | None = None) -> QuerySet[ImportMapping]:
    employee = getattr(user, "employee", None)
    if employee is None:
        return ImportMapping.objects.none()
    found = ImportMapping.objects.filter(company_id=employee.company_id).select_related("created_by")
    return found.filter(kind=kind) if kind else found


def report_lines(job: ImportJob, *, severity: str | None = None) -> list[dict[str, Any]]:
    """The job's report as rows (row, column, value, reason in the current language, severity):
    errors first, then warnings."""
    lines = []
    for key, label in (("errors", "error"), ("warnings", "warning")):
        if severity and severity != label:
            continue
        for entry in job.report.get(key, []):
            reason = Reason(entry["message"], entry.get("params") or {}).text()
            lines.append(
                {
                    "row": entry.get("row"),
                    "column": entry.get("column", ""),
                    "value": entry.get("value", ""),
                    "reason": reason,
                    "severity": label,
                }
            )
    return lines
