"""Demo plans: this year's active plan split from the company down to every rep and month, a
mid-year adjustment and one awaiting approval, next year's plan in planning with reps' own
proposals, and action plans for reps behind this month's number."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from salesdesk.core import periods
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.metrics import selectors as metrics
from salesdesk.org.models import Company, Employee, OrgUnit, Role
from salesdesk.planning import rules, selectors, services
from salesdesk.planning.models import SplitMethod, Target
from salesdesk.planning.services import Owner, SplitInto
from salesdesk.products.selectors import series_names

# 制造业: the Spring Festival empties February, year-end budgets fill December.
SEASON = ["0.8", "0.5", "1.0", "1.0", "1.0", "1.0", "0.9", "0.9", "1.0", "1.1", "1.2", "1.6"]
METRICS = {"won_amount": Decimal(10000), "signed_amount": Decimal(10000), "new_customers": Decimal(1)}


def _leader(company: Company, role: str) -> Employee:
    return (
        Employee.objects.select_related("user", "unit")
        .filter(company=company, position__role=role, status="active")
        .order_by("employee_no")
        .first()
    )


def _round(value: Decimal, step: Decimal) -> Decimal:
    return max(step, (value / step).quantize(Decimal(1)) * step)


def build(company: Company, today: date, rng) -> None:
    director = _leader(company, Role.DIRECTOR).user
    root = OrgUnit.objects.get(company=company, parent__isnull=True)
    year = periods.fiscal_year_of(today, fiscal_start_month=settings.FISCAL_YEAR_START_MONTH)
    season = services.save_distribution(
        acting_user=director,
        company=company,
        name="制造业季节性",
        weights=SEASON,
        description="春节所在的二月最低，年底预算集中释放",
    )
    services.save_distribution(acting_user=director, company=company, name="均匀", weights=["1"] * 12)
    plan = services.create_plan(
        acting_user=director, company=company, fiscal_year=year, name=f"{year} 年度销售计划"
    )
    elapsed, _ended = selectors.period_progress(metrics.period_for(str(year)), today)
    # Amounts and counts for the whole company, and units sold of every product line.
    measures = [(name, "", step) for name, step in METRICS.items()]
    measures += [("quantity_sold", series, Decimal(1)) for series in series_names(company.pk)]
    for name, series, step in measures:
        actuals = metrics.values(name, by="unit", period=str(year), company=company, series=series)
        actual = actuals.get(root.pk)
        # A year goal a little above the current run rate: some teams ahead, some behind.
        goal = _round(
            Decimal(actual or 0) / max(elapsed, Decimal("0.1")) * Decimal(str(rng.uniform(1.02, 1.12))), step
        )
        levels = rules.Levels(_round(goal * Decimal("0.85"), step), goal, _round(goal * Decimal("1.2"), step))
        top = services.set_target(
            acting_user=director,
            plan=plan,
            metric=name,
            owner=Owner(unit=root),
            period_key=str(year),
            levels=levels,
            product_series=series,
        )
        _split_down(director, top, season)
    services.activate_plan(acting_user=director, plan=plan, expected_version=plan.version)
    _adjustments(company, plan, today)
    _action_plans(company, plan, today)
    _next_year(company, director, plan, year + 1)


def _split_down(director, target: Target, season) -> None:
    """Company → regions → teams → reps (seniority at the last step), each node → months."""
    target.refresh_from_db()
    services.split_target(
        acting_user=director,
        target=target,
        expected_version=target.version,
        into=SplitInto.MONTHS,
        method=SplitMethod.DISTRIBUTION,
        distribution=season,
    )
    if target.owner_user_id is not None:
        return
    target.refresh_from_db()
    parts = services.split_parts(target, SplitInto.UNITS)
    # Units by their share of last year's actuals, a team's reps by seniority.
    method = SplitMethod.SENIORITY if parts[0].owner.user is not None else SplitMethod.LAST_YEAR
    split = {"acting_user": director, "target": target, "into": SplitInto.UNITS}
    try:
        children = services.split_target(**split, expected_version=target.version, method=method)
    except BusinessRuleViolation:  # no actuals last year (a new metric or unit): equal shares
        target.refresh_from_db()
        children = services.split_target(**split, expected_version=target.version, method=SplitMethod.EQUAL)
    for child in children:
        _split_down(director, child, season)


def _adjustments(company: Company, plan, today: date) -> None:
    """A region raised from July after new distributors (approved), and a team's cut awaiting the director."""
    manager = _leader(company, Role.MANAGER)
    director = _leader(company, Role.DIRECTOR).user
    region = Target.objects.get(
        plan=plan, metric="won_amount", owner_unit=manager.unit, period_key=str(plan.fiscal_year)
    )
    raised = services.request_adjustment(
        acting_user=manager.user,
        target=region,
        levels=rules.Levels(
            region.floor,
            _round(region.goal * Decimal("1.05"), Decimal(10000)),
            max(region.stretch, _round(region.goal * Decimal("1.05"), Decimal(10000))),
        ),
        reason="新签两家区域经销商，下半年目标上调 5%",
        effective_from=date(plan.fiscal_year, 7, 1),
    )
    services.decide_adjustment(acting_user=director, adjustment=raised, approve=True, note="同意")
    team = (
        Target.objects.filter(
            plan=plan, metric="won_amount", owner_unit__parent=manager.unit, period_key=str(plan.fiscal_year)
        )
        .order_by("owner_unit__code")
        .last()
    )
    if team is not None:
        cut = _round(team.goal * Decimal("0.9"), Decimal(10000))
        services.request_adjustment(
            acting_user=manager.user,
            target=team,
            levels=rules.Levels(min(team.floor, cut), cut, team.stretch),
            reason="重点客户项目延期至明年，申请下调 10%",
            effective_from=today.replace(day=1),
        )


def _action_plans(company: Company, plan, today: date) -> None:
    month = f"{today.year}-{today.month:02d}"
    rows = selectors.attainment(
        user=None,
        plan=plan,
        period_key=str(plan.fiscal_year),
        by="employee",
        metric_names=["won_amount"],
        as_of=today,
    )
    behind = sorted((r for r in rows if r.pace == rules.Pace.BEHIND), key=lambda r: -r.gap)[:3]
    for index, row in enumerate(behind):
        target = Target.objects.select_related("owner_user").get(pk=row.target_id)
        rep = target.owner_user
        action_plan = services.create_action_plan(
            acting_user=rep,
            target=target,
            summary=f"{month} 追赶计划：补足 {row.gap:,.0f} 元缺口",
            next_follow_up_on=today + timedelta(days=7),
            gap_amount=row.gap,
            actions=[
                services.ActionInput(
                    "回访三家沉睡重点客户，挖掘年底采购需求",
                    today + timedelta(days=5),
                    (row.gap * Decimal("0.4")).quantize(Decimal(1)),
                ),
                services.ActionInput(
                    "推动两个商务谈判阶段商机签约",
                    today + timedelta(days=12),
                    (row.gap * Decimal("0.6")).quantize(Decimal(1)),
                ),
            ],
        )
        if index == 0:
            supervisor = Employee.objects.get(user=rep).manager
            if supervisor is not None:
                services.submit_action_plan(
                    acting_user=rep, plan=action_plan, expected_version=action_plan.version
                )
                action_plan.refresh_from_db()
                services.check_action_plan(
                    acting_user=supervisor.user,
                    plan=action_plan,
                    expected_version=action_plan.version,
                    comment="优先跟进华东两个谈判项目，周五晨会复盘",
                    next_follow_up_on=today + timedelta(days=4),
                )


def _next_year(company: Company, director, plan, year: int) -> None:
    """Next year's plan starts as a copy; reps of one team propose their own numbers."""
    draft = services.create_plan(
        acting_user=director,
        company=company,
        fiscal_year=year,
        name=f"{year} 年度计划（草案）",
        copy_from=plan,
    )
    supervisor = _leader(company, Role.SUPERVISOR)
    reps = Employee.objects.select_related("user").filter(
        unit=supervisor.unit, position__role=Role.REP, status="active"
    )
    for rep in reps:
        target = Target.objects.filter(
            plan=draft, metric="won_amount", owner_user=rep.user, period_key=str(year)
        ).first()
        if target is None:
            continue
        services.propose(
            acting_user=rep.user,
            plan=draft,
            metric="won_amount",
            owner=Owner(user=rep.user),
            period_key=str(year),
            amount=_round(target.goal * Decimal("0.9"), Decimal(10000)),
            note="结合在手商机与客户预算评估",
        )
