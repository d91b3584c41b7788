"""``salesdesk targets attainment --period KEY [--by employee|unit] [--metric NAME] [--format json|table]``.

Actual against the target in force for every owner of the period in the active plan of its
fiscal year (or ``--plan ID``). Unscoped unless ``--as USERNAME``. Bad input exits with status 2."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from salesdesk.core.errors import SalesDeskError
from salesdesk.core.terminal import plain, width
from salesdesk.org.models import Company, User
from salesdesk.planning import selectors
from salesdesk.planning.models import SalesPlan

COLUMNS = (
    "owner",
    "metric",
    "floor",
    "goal",
    "stretch",
    "actual",
    "done_%",
    "elapsed_%",
    "pace",
    "projection",
)


class Command(BaseCommand):
    help = "Targets: attainment of an active plan."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        attainment = sub.add_parser(
            "attainment", help="actual vs target and pace for every owner of a period"
        )
        attainment.add_argument("--period", required=True, help="2026, 2026Q3 or 2026-07 (fiscal year)")
        attainment.add_argument("--by", choices=["employee", "unit"], default="unit")
        attainment.add_argument("--metric", help="only this target metric")
        attainment.add_argument("--plan", type=int, help="a plan id (default: the year's active plan)")
        attainment.add_argument("--company", type=int, help="the company (id) whose active plan to read")
        attainment.add_argument(
            "--as-of", dest="as_of", type=date.fromisoformat, help="YYYY-MM-DD (default today)"
        )
        attainment.add_argument("--as", dest="as_user", metavar="USERNAME", help="within this user's scope")
        attainment.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, period, by, metric, plan, company, as_of, as_user, format, **options) -> None:
        user = None
        if as_user:
            user = User.objects.filter(username=as_user, is_active=True).first()
            if user is None:
                raise CommandError(f"no active user named {as_user!r}", returncode=2)
        if company is not None and not Company.objects.filter(pk=company).exists():
            raise CommandError(f"no company with id {company}", returncode=2)
        as_of = as_of or timezone.localdate()
        try:
            if plan is not None:
                sales_plan = SalesPlan.objects.filter(pk=plan).first()
                if sales_plan is None:
                    raise CommandError(f"no plan with id {plan}", returncode=2)
            else:
                sales_plan = selectors.active_plan_for(company, period)
            rows = selectors.attainment(
                user=user,
                plan=sales_plan,
                period_key=period,
                by=by,
                metric_names=[metric] if metric else None,
                as_of=as_of,
            )
        except SalesDeskError as exc:
            raise CommandError(exc.message, returncode=2) from None
        if format == "json":
            body = {
                "plan": {"id": sales_plan.pk, "fiscal_year": sales_plan.fiscal_year, "name": sales_plan.name},
                "period": period,
                "by": by,
                "as_of": as_of.isoformat(),
                "rows": [
                    {
                        "target_id": r.target_id,
                        "owner_id": r.owner_id,
                        "owner": r.owner_label,
                        "metric": r.metric,
                        "product_series": r.product_series,
                        "floor": plain(r.levels.floor),
                        "goal": plain(r.levels.goal),
                        "stretch": plain(r.levels.stretch),
                        "actual": plain(r.actual),
                        "done_percent": plain(r.done_percent),
                        "elapsed_percent": plain(r.elapsed_percent),
                        "pace": r.pace,
                        "projection": plain(r.projection),
                        "gap": plain(r.gap),
                    }
                    for r in rows
                ],
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        cells = [COLUMNS] + [
            (
                r.owner_label,
                f"{r.metric} · {r.product_series}" if r.product_series else r.metric,
                str(r.levels.floor),
                str(r.levels.goal),
                str(r.levels.stretch),
                str(r.actual),
                "—" if r.done_percent is None else str(r.done_percent),
                str(r.elapsed_percent),
                r.pace,
                "—" if r.projection is None else str(r.projection),
            )
            for r in rows
        ]
        widths = [max(width(row[i]) for row in cells) for i in range(len(COLUMNS))]
        self.stdout.write(f"{sales_plan} · {period} · as of {as_of}")
        for index, row in enumerate(cells):
            self.stdout.write("  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)))
            if index == 0:
                self.stdout.write("  ".join("-" * size for size in widths))
