"""Plan versions (create, copy, from actuals, activate, archive) and seasonality templates."""

from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit, periods
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.metrics import selectors as metrics
from salesdesk.org.models import Company, OrgUnit, User
from salesdesk.planning import rules
from salesdesk.planning.models import (
    Distribution,
    PlanStatus,
    SalesPlan,
    Target,
)
from salesdesk.planning.rules import SplitError
from salesdesk.planning.services.common import shift_key, target_metric
from salesdesk.products.selectors import series_names

# --- plans -------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *,
    acting_user: User,
    company: Company,
    fiscal_year: int,
    name: str,
    copy_from: SalesPlan | None = None,
    from_actuals_growth_percent: Decimal | None = None,
    metrics_from_actuals: Sequence[str] = ("signed_amount",),
) -> SalesPlan:
    """A new plan version for ``fiscal_year``: empty, a copy of another version (last year's
    targets move one year on), or a company target for each metric from last year's actuals
    grown by a percentage, ready to be split down."""
    access.require(acting_user, "planning.manage_plans")
    if copy_from is not None and from_actuals_growth_percent is not None:
        raise BusinessRuleViolation(_("Start from a copy or from last year's actuals, not both."))
    number = (SalesPlan.objects.filter(company=company, fiscal_year=fiscal_year).count() or 0) + 1
    plan = SalesPlan.objects.create(
        company=company,
        fiscal_year=fiscal_year,
        number=number,
        name=name,
        copied_from=copy_from,
        created_by=acting_user,
        updated_by=acting_user,
    )
    if copy_from is not None:
        if copy_from.company_id != company.pk:
            raise BusinessRuleViolation(_("A plan can only be copied within its company."))
        _copy_targets(copy_from, plan)
    elif from_actuals_growth_percent is not None:
        _targets_from_actuals(plan, from_actuals_growth_percent, metrics_from_actuals)
    audit.record(
        acting_user, "plan_created", plan, details={"copied_from": copy_from.pk if copy_from else None}
    )
    return plan


def _copy_targets(source: SalesPlan, plan: SalesPlan) -> None:
    """Copy every target, shifted by the difference in years, keeping the split tree: parents
    are created before children (ordered by depth of the tree, one bulk insert per level)."""
    years = plan.fiscal_year - source.fiscal_year
    fiscal_start = settings.FISCAL_YEAR_START_MONTH
    rows = list(source.targets.values())
    new_id_of: dict[int, int] = {}
    level = [row for row in rows if row["parent_id"] is None]
    while level:
        created = []
        for row in level:
            period = periods.parse(shift_key(row["period_key"], years), fiscal_start_month=fiscal_start)
            created.append(
                Target(
                    plan=plan,
                    metric=row["metric"],
                    product_series=row["product_series"],
                    owner_unit_id=row["owner_unit_id"],
                    owner_user_id=row["owner_user_id"],
                    period_key=period.key,
                    period_start=period.start,
                    period_end=period.end,
                    floor=row["floor"],
                    goal=row["goal"],
                    stretch=row["stretch"],
                    parent_id=new_id_of.get(row["parent_id"]),
                    split_method=row["split_method"],
                    updated_by=plan.created_by,
                )
            )
        # Read back ids per object (bulk_create sets pk on SQLite ≥ 3.35 and PostgreSQL).
        for row, target in zip(level, Target.objects.bulk_create(created), strict=True):
            new_id_of[row["id"]] = target.pk
        ids = {row["id"] for row in level}
        level = [row for row in rows if row["parent_id"] in ids]


def _targets_from_actuals(plan: SalesPlan, growth_percent: Decimal, metric_names: Sequence[str]) -> None:
    root = OrgUnit.objects.filter(company=plan.company, parent__isnull=True).order_by("pk").first()
    if root is None:
        raise BusinessRuleViolation(_("The company has no org units yet."))
    last_year = str(plan.fiscal_year - 1)
    year = periods.parse(str(plan.fiscal_year), fiscal_start_month=settings.FISCAL_YEAR_START_MONTH)
    growth = Decimal(1) + Decimal(growth_percent) / 100
    for name in metric_names:
        metric = target_metric(name)
        # A per-line figure starts one company target for each series sold last year.
        for series in series_names(plan.company_id) if metric.series == "required" else [""]:
            actual = metrics.values(
                name, by="unit", period=last_year, company=plan.company_id, series=series
            ).get(root.pk) or Decimal(0)
            if series and not actual:
                continue
            goal = (
                (Decimal(actual) * growth).quantize(metric.unit)
                if metric.additive
                else Decimal(actual).quantize(metric.unit)
            )
            floor = min(goal, Decimal(actual).quantize(metric.unit))
            stretch = (goal * Decimal("1.2")).quantize(metric.unit) if metric.additive else goal
            Target.objects.create(
                plan=plan,
                metric=name,
                product_series=series,
                owner_unit=root,
                period_key=year.key,
                period_start=year.start,
                period_end=year.end,
                floor=floor,
                goal=goal,
                stretch=stretch,
                updated_by=plan.created_by,
            )


@transaction.atomic
def activate_plan(*, acting_user: User, plan: SalesPlan, expected_version: int) -> SalesPlan:
    """Make this version the year's plan; the version active until now is archived."""
    access.require(acting_user, "planning.manage_plans", plan)
    if plan.status != PlanStatus.PLANNING:
        raise BusinessRuleViolation(_("Only a plan in planning can be activated."))
    claim_version(plan, expected_version=expected_version, acting_user=acting_user)
    previous = SalesPlan.objects.select_for_update().filter(
        company_id=plan.company_id, fiscal_year=plan.fiscal_year, status=PlanStatus.ACTIVE
    )
    for old in previous:
        old.status = PlanStatus.ARCHIVED
        old.save(update_fields=["status", "updated_at"])
        audit.record(acting_user, "plan_archived", old, details={"replaced_by": plan.pk})
    plan.status = PlanStatus.ACTIVE
    plan.activated_at = timezone.now()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # another activation of the same year won the race
        raise BusinessRuleViolation(
            _("Another version of this year was activated at the same time.")
        ) from None
    audit.record(acting_user, "plan_activated", plan)
    return plan


@transaction.atomic
def archive_plan(*, acting_user: User, plan: SalesPlan, expected_version: int) -> SalesPlan:
    access.require(acting_user, "planning.manage_plans", plan)
    if plan.status == PlanStatus.ARCHIVED:
        raise BusinessRuleViolation(_("This plan is archived already."))
    claim_version(plan, expected_version=expected_version, acting_user=acting_user)
    plan.status = PlanStatus.ARCHIVED
    plan.save()
    audit.record(acting_user, "plan_archived", plan)
    return plan


# --- distributions -----------------------------------------------------------------------------


@transaction.atomic
def save_distribution(
    *,
    acting_user: User,
    company: Company,
    name: str,
    weights: Sequence,
    description: str = "",
    distribution: Distribution | None = None,
    expected_version: int | None = None,
    is_active: bool = True,
) -> Distribution:
    access.require(acting_user, "planning.manage_plans", distribution)
    try:
        values = rules.check_distribution(weights)
    except SplitError as error:
        raise BusinessRuleViolation(str(error), details={"fields": {"weights": str(error)}}) from None
    others = Distribution.objects.filter(company=company, name=name)
    if distribution is not None:
        others = others.exclude(pk=distribution.pk)
    if others.exists():
        message = _("A distribution named %(name)s exists.") % {"name": name}
        raise BusinessRuleViolation(message, details={"fields": {"name": message}})
    if distribution is None:
        distribution = Distribution(company=company, updated_by=acting_user)
    else:
        claim_version(distribution, expected_version=expected_version or 0, acting_user=acting_user)
    distribution.name = name
    distribution.description = description
    distribution.weights = [str(v) for v in values]
    distribution.is_active = is_active
    distribution.save()
    audit.record(acting_user, "distribution_saved", distribution)
    return distribution
