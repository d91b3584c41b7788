"""Demo budgets and expenses for a company whose organisation is built (salesdesk.org.demo).

* Six expense categories (差旅, 招待, 市场活动, 样品, 培训, 通讯).
* For the fiscal year of ``today``: every region a budget for every category, every team a budget
  for travel, entertainment and communication (where reps spend). Entertainment and marketing
  events are on stop, the rest warn. Travel follows the company's first seasonality template
  when planning has one, everything else is split evenly.
* A few hundred expenses over the year up to ``today``, charged as the services would (the
  spender's unit or the nearest unit above with a budget): older ones paid or approved, a few
  rejected, the last weeks' awaiting approval or still drafts. Stop budgets are never exceeded;
  warning budgets sometimes are, and those expenses carry the warning text.
* One stop budget near its limit: 上海一组's entertainment for the month before ``today`` (and
  this month) is ~94 % used, so filing one more dinner there is refused with the figures.

Set-based (bulk_create, no history rows) and consistent with the services' rules: approval steps
are routed with ``rules.approval_roles`` / ``rules.route_steps`` over the real reporting lines;
numbers come from the orders app's document sequence like ``services.create_expense``'s.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from salesdesk.budgets import rules, services
from salesdesk.budgets.models import (
    Budget,
    BudgetLine,
    ControlMode,
    Expense,
    ExpenseApproval,
    ExpenseCategory,
    ExpenseStatus,
    SplitMethod,
    StepDecision,
)
from salesdesk.budgets.querysets import unit_ids_on_path
from salesdesk.core import periods
from salesdesk.core.money import to_money
from salesdesk.customers.models import Customer
from salesdesk.orders import services as orders
from salesdesk.org.models import Company, Employee, EmployeeStatus, OrgUnit
from salesdesk.planning.models import Distribution

# code, name, English name, (team budget per year or None, region budget per year), control mode,
# (smallest, largest) single expense
CATEGORIES = [
    ("TRAVEL", "差旅", "Travel", (Decimal(96_000), Decimal(60_000)), ControlMode.WARN, (300, 4_500)),
    (
        "ENTERTAIN",
        "招待",
        "Entertainment",
        (Decimal(48_000), Decimal(36_000)),
        ControlMode.STOP,
        (200, 2_500),
    ),
    (
        "MARKETING",
        "市场活动",
        "Marketing events",
        (None, Decimal(240_000)),
        ControlMode.STOP,
        (3_000, 30_000),
    ),
    ("SAMPLES", "样品", "Samples", (None, Decimal(120_000)), ControlMode.WARN, (500, 12_000)),
    ("TRAINING", "培训", "Training", (None, Decimal(48_000)), ControlMode.WARN, (800, 6_000)),
    ("COMMS", "通讯", "Communication", (Decimal(7_200), Decimal(4_800)), ControlMode.WARN, (50, 400)),
]
# How often each category is spent on (per expense).
WEIGHTS = {"TRAVEL": 40, "ENTERTAIN": 25, "COMMS": 15, "SAMPLES": 8, "MARKETING": 6, "TRAINING": 6}
EXPENSES = 320
NEAR_LIMIT_TEAM = "SH1"  # 上海一组: the demo rep's team
DESCRIPTIONS = {
    "TRAVEL": ["拜访客户往返高铁", "出差住宿两晚", "客户现场调试差旅", "展会差旅"],
    "ENTERTAIN": ["客户商务宴请", "技术交流会工作餐", "项目启动会招待"],
    "MARKETING": ["行业展会展位费", "客户技术研讨会", "新品推介会场地"],
    "SAMPLES": ["样机运输及包装", "试用样品寄送", "检测样件"],
    "TRAINING": ["销售技巧培训费", "产品认证培训", "外部课程报名费"],
    "COMMS": ["手机话费", "移动流量套餐", "会议通讯费"],
}


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _categories(company: Company) -> dict[str, ExpenseCategory]:
    existing = {c.code: c for c in ExpenseCategory.objects.filter(company=company)}
    missing = [
        ExpenseCategory(company=company, code=code, name=name, name_en=name_en)
        for code, name, name_en, *_rest in CATEGORIES
        if code not in existing
    ]
    ExpenseCategory.objects.bulk_create(missing)
    return {c.code: c for c in ExpenseCategory.objects.filter(company=company)}


def _budgets(company, fiscal_year, categories, director_id, rng) -> dict[tuple[int, int], Budget]:
    fiscal_start = settings.FISCAL_YEAR_START_MONTH
    months = periods.children(
        periods.parse(str(fiscal_year), fiscal_start_month=fiscal_start),
        periods.Granularity.MONTH,
        fiscal_start_month=fiscal_start,
    )
    seasonality = Distribution.objects.filter(company=company, is_active=True).order_by("name", "pk").first()
    units = list(OrgUnit.objects.filter(company=company, kind__in=["region", "team"]).order_by("path"))
    budgets, lines = [], []
    for unit in units:
        for code, _name, _en, (team_amount, region_amount), mode, _range in CATEGORIES:
            amount = team_amount if unit.kind == "team" else region_amount
            if amount is None:
                continue
            amount = to_money(amount * Decimal(rng.choice(["0.9", "1.0", "1.0", "1.1", "1.2"])))
            by_season = code == "TRAVEL" and seasonality is not None
            budgets.append(
                Budget(
                    company=company,
                    unit=unit,
                    category=categories[code],
                    fiscal_year=fiscal_year,
                    amount=amount,
                    split_method=SplitMethod.DISTRIBUTION if by_season else SplitMethod.EVEN,
                    distribution=seasonality if by_season else None,
                    control_mode=mode,
                    note="年度预算" if unit.kind == "region" else "团队年度预算",
                    created_by_id=director_id,
                    updated_by_id=director_id,
                )
            )
    budgets = Budget.objects.bulk_create(budgets)
    for budget in budgets:
        weights = None
        if budget.distribution is not None:
            weights = [Decimal(str(w)) for w in budget.distribution.weights]
        try:
            amounts = rules.month_amounts(budget.amount, weights)
        except ValueError:  # a template without usable weights: evenly, as the budget says
            budget.split_method, budget.distribution = SplitMethod.EVEN, None
            Budget.objects.filter(pk=budget.pk).update(split_method=SplitMethod.EVEN, distribution=None)
            amounts = rules.month_amounts(budget.amount)
        lines += [
            BudgetLine(
                budget=budget, month=month.start, fiscal_month=n, amount=amount, updated_by_id=director_id
            )
            for n, (month, amount) in enumerate(zip(months, amounts, strict=True), start=1)
        ]
    BudgetLine.objects.bulk_create(lines)
    return {(b.unit_id, b.category_id): b for b in budgets}


class _Ledger:
    """Budget months in memory: the line an expense is charged to and what it has used."""

    def __init__(self, company: Company, fiscal_year: int) -> None:
        self.lines = {
            (line.budget.unit_id, line.budget.category_id, line.month): line
            for line in BudgetLine.objects.filter(
                budget__company=company, budget__fiscal_year=fiscal_year
            ).select_related("budget__unit", "budget__category")
        }
        self.used: dict[int, Decimal] = defaultdict(Decimal)

    def line_for(self, unit: OrgUnit, category_id: int, day: date) -> BudgetLine | None:
        for unit_id in reversed(unit_ids_on_path(unit.path)):
            line = self.lines.get((unit_id, category_id, day.replace(day=1)))
            if line is not None:
                return line
        return None


def _status(incurred_on: date, today: date, rng: random.Random) -> str:
    age = (today - incurred_on).days
    roll = rng.random()
    if age > 45:
        return (
            ExpenseStatus.PAID
            if roll < 0.8
            else ExpenseStatus.APPROVED
            if roll < 0.94
            else ExpenseStatus.REJECTED
        )
    if age > 14:
        return (
            ExpenseStatus.APPROVED
            if roll < 0.55
            else ExpenseStatus.PAID
            if roll < 0.75
            else ExpenseStatus.SUBMITTED
            if roll < 0.95
            else ExpenseStatus.REJECTED
        )
    return (
        ExpenseStatus.SUBMITTED
        if roll < 0.6
        else ExpenseStatus.DRAFT
        if roll < 0.85
        else ExpenseStatus.APPROVED
    )


@transaction.atomic
def build(company: Company, today: date, rng: random.Random) -> None:
    if Budget.objects.filter(company=company).exists():
        return
    # Stored warnings read in the product's default language, as a zh-Hans user's submit writes them.
    with translation.override(settings.LANGUAGE_CODE):
        _build(company, today, rng)


def _build(company: Company, today: date, rng: random.Random) -> None:
    employees = list(
        Employee.objects.filter(company=company).select_related("user", "unit", "position").order_by("pk")
    )
    by_pk = {e.pk: e for e in employees}
    director = next((e for e in employees if e.position.role == "director"), None)
    spenders = [
        e
        for e in employees
        if e.status == EmployeeStatus.ACTIVE and e.position.role in ("rep", "supervisor", "manager")
    ]
    if director is None or not spenders:
        return
    fiscal_start = settings.FISCAL_YEAR_START_MONTH
    fiscal_year = periods.fiscal_year_of(today, fiscal_start_month=fiscal_start)
    year_start = periods.parse(str(fiscal_year), fiscal_start_month=fiscal_start).start
    categories = _categories(company)
    _budgets(company, fiscal_year, categories, director.user_id, rng)
    ledger = _Ledger(company, fiscal_year)
    limits = dict(rules.DEFAULT_APPROVAL_LIMITS)
    customers = defaultdict(list)
    for pk, owner_id in Customer.objects.filter(company=company, owner__isnull=False).values_list(
        "pk", "owner_id"
    ):
        customers[owner_id].append(pk)

    def reporting_line(employee: Employee) -> list[rules.Candidate]:
        line, current = [], by_pk.get(employee.manager_id)
        while current is not None:
            if current.status == EmployeeStatus.ACTIVE:
                line.append(rules.Candidate(user_id=current.user_id, role=current.position.role))
            current = by_pk.get(current.manager_id)
        return line

    plans = []  # (expense, spender employee)
    codes, weights = list(WEIGHTS), list(WEIGHTS.values())
    days = (today - year_start).days
    for _n in range(EXPENSES):
        spender = rng.choice(spenders)
        code = rng.choices(codes, weights=weights)[0]
        low, high = next(c[5] for c in CATEGORIES if c[0] == code)
        incurred_on = year_start + timedelta(days=rng.randrange(max(days, 1)))
        own_customers = customers.get(spender.user_id) or [None]
        plans.append(
            (
                Expense(
                    company=company,
                    spender_id=spender.user_id,
                    unit_id=spender.unit_id,
                    category=categories[code],
                    amount=Decimal(rng.randrange(low, high)) + Decimal(rng.choice(["0", "0.5", "0.8"])),
                    incurred_on=incurred_on,
                    description=rng.choice(DESCRIPTIONS[code]),
                    customer_id=rng.choice(own_customers)
                    if code in ("ENTERTAIN", "SAMPLES", "TRAVEL")
                    else None,
                    status=_status(incurred_on, today, rng),
                    updated_by_id=spender.user_id,
                ),
                spender,
            )
        )
    plans.sort(key=lambda plan: (plan[0].incurred_on, plan[0].amount))
    for expense, spender in plans:
        _charge(expense, spender, ledger)
    for expense, spender in _near_limit(company, categories["ENTERTAIN"], ledger, spenders, today):
        _charge(expense, spender, ledger)
        plans.append((expense, spender))
    plans.sort(key=lambda plan: (plan[0].incurred_on, plan[0].amount))

    steps: list[tuple[int, ExpenseApproval]] = []
    expenses = []
    for expense, spender in plans:
        filed = min(expense.incurred_on + timedelta(days=rng.randint(0, 5)), today)
        expense.number = orders.next_number(company, services.EXPENSE_PREFIX, filed)
        if expense.status != ExpenseStatus.DRAFT:
            _dates(expense, filed, today, rng)
            steps += [
                (len(expenses), step)
                for step in _steps(expense, spender, reporting_line(spender), limits, rng)
            ]
        expenses.append(expense)
    expenses = Expense.objects.bulk_create(expenses, batch_size=500)
    for index, step in steps:
        step.expense_id = expenses[index].pk
    ExpenseApproval.objects.bulk_create([step for _index, step in steps], batch_size=500)


def _charge(expense: Expense, spender: Employee, ledger: _Ledger) -> None:
    """What submitting did: the budget month, a warning when a warning budget is exceeded; an
    expense a stop budget would refuse was never submitted (it stays a draft)."""
    expense.unit = spender.unit
    if expense.status == ExpenseStatus.DRAFT:
        return
    line = ledger.line_for(spender.unit, expense.category_id, expense.incurred_on)
    expense.budget_line = line
    if line is None:
        expense.budget_warning = services.no_budget_text(expense)
        return
    if expense.status == ExpenseStatus.REJECTED:
        return
    after = ledger.used[line.pk] + expense.amount
    if after > line.amount:
        if line.budget.control_mode == ControlMode.STOP:
            expense.status, expense.budget_line = ExpenseStatus.DRAFT, None
            return
        check = rules.check_budget(
            amount=expense.amount, used_before=ledger.used[line.pk], budget=line.amount
        )
        expense.budget_warning = services.warning_text(expense, line, check)
    ledger.used[line.pk] = after


def _dates(expense: Expense, filed: date, today: date, rng: random.Random) -> None:
    expense.submitted_at = _aware(filed, 9 + rng.randrange(8))
    decided = min(filed + timedelta(days=rng.randint(1, 4)), today)
    if expense.status != ExpenseStatus.SUBMITTED:
        expense.decided_at = _aware(decided, 10 + rng.randrange(7))
    if expense.status == ExpenseStatus.PAID:
        expense.paid_on = min(decided + timedelta(days=rng.randint(3, 12)), today)


def _steps(expense, spender, line, limits, rng) -> list[ExpenseApproval]:
    """The approval steps submitting routed, decided as the expense's status says."""
    try:
        routed = rules.route_steps(rules.approval_roles(expense.amount, spender.position.role, limits), line)
    except ValueError:
        return []
    rows = []
    for sequence, (role, approver_id) in enumerate(routed, start=1):
        last = sequence == len(routed)
        decided_by = approver_id
        if role == rules.FINANCE:
            decided_by = None  # finance as a whole: the demo leaves such steps open
        decision = StepDecision.PENDING
        if decided_by is not None and expense.status in (ExpenseStatus.APPROVED, ExpenseStatus.PAID):
            decision = StepDecision.APPROVED
        elif decided_by is not None and expense.status == ExpenseStatus.REJECTED:
            decision = StepDecision.REJECTED if last else StepDecision.APPROVED
        elif decided_by is not None and not last and rng.random() < 0.3:
            decision = StepDecision.APPROVED  # the supervisor signed, the manager has not yet
        rows.append(
            ExpenseApproval(
                round=1,
                sequence=sequence,
                role=role,
                approver_id=approver_id,
                decision=decision,
                decided_by_id=decided_by if decision != StepDecision.PENDING else None,
                decided_at=(expense.decided_at or expense.submitted_at)
                if decision != StepDecision.PENDING
                else None,
                comment="超出公司报销标准，请调整后重新提交" if decision == StepDecision.REJECTED else "",
                spender_id=expense.spender_id,
            )
        )
    return rows


def _near_limit(company, category, ledger: _Ledger, spenders, today: date) -> list[tuple[Expense, Employee]]:
    """Entertainment of the demo team last month and this month filled to ~94 % (an approved
    dinner and one awaiting approval), so one more dinner there is refused."""
    team = OrgUnit.objects.filter(company=company, code=NEAR_LIMIT_TEAM).first()
    people = [e for e in spenders if team is not None and e.unit_id == team.pk and e.position.role == "rep"]
    plans = []
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    for month, day in ((last_month, last_month + timedelta(days=20)), (this_month, today)):
        line = ledger.line_for(team, category.pk, month) if people else None
        if line is None or line.budget.unit_id != team.pk:
            continue
        missing = to_money(line.amount * Decimal("0.94")) - ledger.used[line.pk]
        if missing <= 0:
            continue
        approved = to_money(missing * Decimal("0.7"))
        for status, amount in (
            (ExpenseStatus.APPROVED, approved),
            (ExpenseStatus.SUBMITTED, missing - approved),
        ):
            person = people[len(plans) % len(people)]
            expense = Expense(
                company=company,
                spender_id=person.user_id,
                unit_id=team.pk,
                category=category,
                amount=amount,
                incurred_on=day,
                description="重点客户年度答谢宴",
                status=status,
                updated_by_id=person.user_id,
            )
            plans.append((expense, person))
    return plans
