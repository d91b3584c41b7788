"""``salesdesk metrics --metric NAME --by GROUPING --period KEY [--series LINE] [--format table|json|csv]``.

Without ``--as`` the run is unscoped (the whole system, or one company with ``--company``);
with ``--as USERNAME`` it sees exactly what that person sees. Bad input exits with status 2."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from salesdesk.core.terminal import plain, width
from salesdesk.metrics import selectors
from salesdesk.metrics.registry import By
from salesdesk.org.models import Company, User


class Command(BaseCommand):
    help = "Compute a metric for every group of a grouping in a period."

    def add_arguments(self, parser) -> None:
        names = ", ".join(metric.name for metric in selectors.definitions())
        parser.add_argument("--metric", required=True, help=f"one of: {names}")
        parser.add_argument("--by", required=True, help=f"one of: {', '.join(By.values)}")
        parser.add_argument("--period", required=True, help="2026, 2026Q3, 2026-07 or 2026-W31 (fiscal year)")
        parser.add_argument("--series", default="", help="one product series (line), for metrics per line")
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
        parser.add_argument("--company", type=int, help="limit to one company (id)")
        parser.add_argument(
            "--as", dest="as_user", metavar="USERNAME", help="compute within this user's scope"
        )

    def handle(self, *args, metric, by, period, series, format, company, as_user, **options) -> None:
        user = None
        if as_user:
            user = User.objects.filter(username=as_user, is_active=True).first()
            if user is None:
                raise CommandError(f"no active user named {as_user!r}", returncode=2)
        if company is not None and not Company.objects.filter(pk=company).exists():
            raise CommandError(f"no company with id {company}", returncode=2)
        try:
            definition = selectors.metric_named(metric)
            rows = selectors.compute(metric, by=by, period=period, user=user, company=company, series=series)
        except selectors.InvalidMetricQuery as exc:
            raise CommandError(f"{exc.field}: {exc.message}", returncode=2) from None
        if format == "json":
            self._json(definition, by, period, rows)
        elif format == "csv":
            self._csv(rows)
        else:
            self._table(definition, period, rows)

    def _json(self, definition, by, period, rows) -> None:
        body = {
            "metric": definition.name,
            "period": period,
            "by": by,
            "unit": str(definition.unit),
            "rows": [{"key": row.key, "label": row.label, "value": plain(row.value)} for row in rows],
        }
        self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))

    def _csv(self, rows) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["key", "label", "value"])
        for row in rows:
            writer.writerow(
                ["" if row.key is None else row.key, row.label, "" if row.value is None else row.value]
            )

    def _table(self, definition, period, rows) -> None:
        cells = [("key", "label", "value")]
        cells += [
            ("" if r.key is None else str(r.key), r.label, "—" if r.value is None else str(r.value))
            for r in rows
        ]
        widths = [max(width(row[i]) for row in cells) for i in range(3)]
        self.stdout.write(f"{definition.name} · {period} · {definition.unit}")
        for index, row in enumerate(cells):
            key, label, value = row
            padding = " " * (widths[1] - width(label))
            self.stdout.write(f"{key.ljust(widths[0])}  {label}{padding}  {value.rjust(widths[2])}")
            if index == 0:
                self.stdout.write("  ".join("-" * size for size in widths))
