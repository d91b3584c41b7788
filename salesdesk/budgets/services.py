"""Every change to budgets and expenses: one transaction each, permission first, audit last.

Expense workflow::

    draft ─submit→ submitted ─approve (last step)→ approved ─pay→ paid
      ↑              │  └reject→ rejected ─submit→ submitted …
      └──withdraw────┘

Submitting routes the expense up the spender's reporting line and charges it to a budget month;
every approval charges it again. Charging locks the budget month's row (SELECT … FOR UPDATE on
PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE) before it sums what the month has
used, so two expenses racing for the last yuan of a stop budget cannot both pass.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.budgets import permissions, rules, selectors
from salesdesk.budgets.models import (
    Budget,
    BudgetLine,
    ControlMode,
    Expense,
    ExpenseApproval,
    ExpenseApprovalLimit,
    ExpenseAttachment,
    ExpenseCategory,
    ExpenseStatus,
    SplitMethod,
    StepDecision,
)
from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.orders import services as orders
from salesdesk.org.models import Company, Employee, OrgUnit, Role, User

EXPENSE_PREFIX = "BX"  # 报销
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
CATEGORY_FIELDS = frozenset({"code", "name", "name_en", "is_active"})
BUDGET_FIELDS = frozenset({"amount", "control_mode", "split_method", "distribution", "note"})
EXPENSE_FIELDS = frozenset({"category", "amount", "incurred_on", "description", "customer"})
LIMIT_ROLES = ("supervisor", "manager")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _refuse(problems: dict[str, str], code: str = "invalid") -> None:
    if problems:
        raise BusinessRuleViolation(" ".join(problems.values()), details={"fields": problems, "code": code})


def _refuse_unknown(changes: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))


def _transition(expense: Expense, action: str, label: str) -> str:
    target = rules.next_status(expense.status, action)
    if target is None:
        raise BusinessRuleViolation(
            _("%(action)s is not possible while the expense is %(status)s.")
            % {"action": label, "status": expense.get_status_display()},
            details={"code": "invalid_transition", "status": expense.status, "action": action},
        )
    return target


# Settings: categories and approval limits


def _check_category(category: ExpenseCategory) -> None:
    others = ExpenseCategory.objects.filter(company_id=category.company_id).exclude(pk=category.pk)
    problems = {}
    if not category.code.strip():
        problems["code"] = _("Give the category a code.")
    elif others.filter(code=category.code).exists():
        problems["code"] = _("Category code %(code)s is taken.") % {"code": category.code}
    if not category.name.strip():
        problems["name"] = _("Give the category a name.")
    elif others.filter(name=category.name).exists():
        problems["name"] = _("A category named %(name)s exists.") % {"name": category.name}
    _refuse(problems)


@transaction.atomic
def create_category(
    *, acting_user: User, company: Company, code: str, name: str, name_en: str = "", is_active: bool = True
) -> ExpenseCategory:
    access.require(acting_user, "budgets.configure_expenses")
    category = ExpenseCategory(
        company=company,
        code=code.strip(),
        name=name.strip(),
        name_en=name_en.strip(),
        is_active=is_active,
        updated_by=acting_user,
    )
    _check_category(category)
    category.save()
    audit.record(acting_user, "expense_category_saved", category)
    return category


@transaction.atomic
def update_category(
    *, acting_user: User, category: ExpenseCategory, expected_version: int, changes: dict[str, Any]
) -> ExpenseCategory:
    access.require(acting_user, "budgets.configure_expenses", category)
    _refuse_unknown(changes, CATEGORY_FIELDS)
    claim_version(category, expected_version=expected_version, acting_user=acting_user)
    for name, value in changes.items():
        setattr(category, name, value.strip() if isinstance(value, str) else value)
    _check_category(category)
    category.save()
    audit.record(acting_user, "expense_category_saved", category, details={"fields": sorted(changes)})
    return category


@transaction.atomic
def set_approval_limits(
    *, acting_user: User, company: Company, limits: dict[str, Decimal]
) -> dict[str, Decimal]:
    """How much a supervisor and a manager approve on their own; the director has no limit."""
    access.require(acting_user, "budgets.configure_expenses", company)
    problems = {}
    for role, amount in limits.items():
        if role not in LIMIT_ROLES:
            problems[role] = _(
                "Only supervisors' and managers' limits are set; the director approves any amount."
            )
        elif amount is None or amount < 0 or amount > rules.MAX_AMOUNT:
            problems[role] = _("A limit is an amount of zero or more.")
    _refuse(problems)
    merged = {**selectors.approval_limits(company.pk), **limits}
    if merged["supervisor"] > merged["manager"]:
        _refuse({"supervisor": _("A supervisor's limit cannot be above a manager's.")})
    for role, amount in limits.items():
        ExpenseApprovalLimit.objects.update_or_create(
            company=company, role=role, defaults={"max_amount": amount}
        )
    audit.record(
        acting_user,
        "expense_limits_set",
        details={"limits": {role: str(amount) for role, amount in merged.items()}},
    )
    return merged


# Budgets


def _month_amounts(amount: Decimal, split_method: str, distribution) -> list[Decimal]:
    weights = selectors.month_weights(distribution) if split_method == SplitMethod.DISTRIBUTION else None
    try:
        return rules.month_amounts(amount, weights)
    except ValueError:
        raise BusinessRuleViolation(
            _("The seasonality template %(name)s has no usable weights.") % {"name": distribution},
            details={"field": "distribution"},
        ) from None


def _check_budget(budget: Budget, acting_user: User) -> None:
    problems = {}
    if not FIRST_YEAR <= budget.fiscal_year <= LAST_YEAR:
        problems["fiscal_year"] = _("Choose a fiscal year between 2000 and 2100.")
    if budget.amount < 0 or budget.amount > rules.MAX_AMOUNT:
        problems["amount"] = _("A budget is an amount of zero or more.")
    if budget.category.company_id != budget.company_id or not budget.category.is_active:
        problems["category"] = _("Choose an active expense category.")
    if budget.control_mode not in ControlMode.values:
        problems["control_mode"] = _("Choose warn or stop.")
    if budget.split_method not in SplitMethod.values:
        problems["split_method"] = _("Split evenly or by a seasonality template.")
    elif budget.split_method == SplitMethod.DISTRIBUTION:
        distribution = budget.distribution
        if (
            distribution is None
            or distribution.company_id != budget.company_id
            or not selectors.distributions(acting_user).filter(pk=distribution.pk).exists()
        ):
            problems["distribution"] = _("Choose an active seasonality template.")
    _refuse(problems)


def _write_lines(budget: Budget, acting_user: User) -> None:
    """(Re)split the year's amount into the twelve fiscal months: any month edits are replaced."""
    amounts = _month_amounts(budget.amount, budget.split_method, budget.distribution)
    existing = {line.month: line for line in budget.lines.all()}
    for index, (period, amount) in enumerate(
        zip(selectors.fiscal_months(budget.fiscal_year), amounts, strict=True)
    ):
        line = existing.get(period.start)
        if line is None:
            line = BudgetLine(budget=budget, month=period.start, fiscal_month=index + 1)
        elif line.amount == amount:
            continue
        else:
            line.version += 1  # the budget row is locked: nobody else edits its months meanwhile
        line.amount = amount
        line.updated_by = acting_user
        line.save()


@transaction.atomic
def create_budget(
    *,
    acting_user: User,
    unit: OrgUnit,
    category: ExpenseCategory,
    fiscal_year: int,
    amount: Decimal,
    control_mode: str = ControlMode.WARN,
    split_method: str = SplitMethod.EVEN,
    distribution=None,
    note: str = "",
) -> Budget:
    access.require(acting_user, "budgets.set_budget", unit)
    budget = Budget(
        company_id=unit.company_id,
        unit=unit,
        category=category,
        fiscal_year=fiscal_year,
        amount=amount,
        control_mode=control_mode,
        split_method=split_method,
        distribution=distribution if split_method == SplitMethod.DISTRIBUTION else None,
        note=note.strip(),
        created_by=acting_user,
        updated_by=acting_user,
    )
    _check_budget(budget, acting_user)
    duplicate = _("%(unit)s already has a %(category)s budget for %(year)s; change that one.") % {
        "unit": unit,
        "category": category,
        "year": fiscal_year,
    }
    if Budget.objects.filter(unit=unit, category=category, fiscal_year=fiscal_year).exists():
        _refuse({"category": duplicate}, code="duplicate")
    try:
        with transaction.atomic():
            budget.save()
    except IntegrityError:  # created by someone else a moment ago
        _refuse({"category": duplicate}, code="duplicate")
    _write_lines(budget, acting_user)
    audit.record(
        acting_user,
        "budget_created",
        budget,
        details={
            "amount": str(budget.amount),
            "control_mode": budget.control_mode,
            "split": budget.split_method,
        },
    )
    return budget


@transaction.atomic
def update_budget(
    *, acting_user: User, budget: Budget, expected_version: int, changes: dict[str, Any]
) -> Budget:
    """Change the year's amount, split, control mode or note. A new amount or split re-splits the
    twelve months (replacing month edits); a new control mode applies to the next charge."""
    access.require(acting_user, "budgets.set_budget", budget)
    _refuse_unknown(changes, BUDGET_FIELDS)
    claim_version(budget, expected_version=expected_version, acting_user=acting_user)
    for name, value in changes.items():
        setattr(budget, name, value.strip() if isinstance(value, str) and name == "note" else value)
    if budget.split_method == SplitMethod.EVEN:
        budget.distribution = None
    _check_budget(budget, acting_user)
    budget.save()
    if {"amount", "split_method", "distribution"} & set(changes):
        _write_lines(budget, acting_user)
    audit.record(
        acting_user,
        "budget_updated",
        budget,
        details={
            "fields": sorted(changes),
            "amount": str(budget.amount),
            "control_mode": budget.control_mode,
        },
    )
    return budget


@transaction.atomic
def set_budget_line(
    *, acting_user: User, line: BudgetLine, expected_version: int, amount: Decimal
) -> BudgetLine:
    """Change one month; the year's amount becomes the sum of the months again."""
    access.require(acting_user, "budgets.set_budget", line.budget)
    if amount is None or amount < 0 or amount > rules.MAX_AMOUNT:
        _refuse({"amount": _("A budget is an amount of zero or more.")})
    budget = Budget.objects.select_for_update().get(pk=line.budget_id)
    claim_version(line, expected_version=expected_version, acting_user=acting_user)
    old = line.amount
    line.amount = amount
    line.save()
    budget.amount = budget.lines.aggregate(total=Sum("amount"))["total"]
    budget.version += 1  # locked above; the year's total changed under anyone holding the old one
    budget.updated_by = acting_user
    budget.save()
    line.budget = budget
    audit.record(
        acting_user,
        "budget_line_set",
        budget,
        details={"month": line.month_key, "from": str(old), "to": str(amount)},
    )
    return line


# Expenses


def _check_expense(expense: Expense, acting_user: User, today: date) -> None:
    problems = {}
    if expense.amount is None or expense.amount <= 0:
        problems["amount"] = _("An expense is an amount above zero.")
    elif expense.amount > rules.MAX_AMOUNT:
        problems["amount"] = _("The amount is too large.")
    if expense.incurred_on is None:
        problems["incurred_on"] = _("Say when the money was spent.")
    elif rules.incurred_problem(expense.incurred_on, today) == "future":
        problems["incurred_on"] = _("An expense is recorded once it is spent: %(day)s is in the future.") % {
            "day": expense.incurred_on
        }
    if expense.category.company_id != expense.company_id or not expense.category.is_active:
        problems["category"] = _("Choose an active expense category.")
    if not expense.description.strip():
        problems["description"] = _("Say what the money was spent on.")
    if expense.customer_id is not None:
        try:
            selectors.customer_choice(acting_user, expense.customer_id)
        except BusinessRuleViolation as exc:
            problems["customer"] = exc.message
    _refuse(problems)


@transaction.atomic
def create_expense(
    *,
    acting_user: User,
    category: ExpenseCategory,
    amount: Decimal,
    incurred_on: date,
    description: str,
    customer=None,
    today: date | None = None,
) -> Expense:
    """A draft expense of the acting user, charged (when submitted) to their unit."""
    access.require(acting_user, "budgets.file_expense")
    employee: Employee = acting_user.employee
    today = today or timezone.localdate()
    expense = Expense(
        company_id=employee.company_id,
        spender=acting_user,
        unit_id=employee.unit_id,
        category=category,
        amount=amount,
        incurred_on=incurred_on,
        description=description.strip(),
        customer=customer,
        updated_by=acting_user,
    )
    _check_expense(expense, acting_user, today)
    expense.number = orders.next_number(employee.company, EXPENSE_PREFIX, today)
    expense.save()
    audit.record(acting_user, "expense_created", expense, details={"amount": str(amount)})
    return expense


@transaction.atomic
def file_expense(
    *,
    acting_user: User,
    category: ExpenseCategory,
    amount: Decimal,
    incurred_on: date,
    description: str,
    customer=None,
    receipt: UploadedFile | None = None,
    submit: bool = False,
    today: date | None = None,
) -> Expense:
    """Record an expense with its receipt and, when asked, submit it — all or nothing: a budget
    that stops it leaves no draft behind (and no file)."""
    expense = create_expense(
        acting_user=acting_user,
        category=category,
        amount=amount,
        incurred_on=incurred_on,
        description=description,
        customer=customer,
        today=today,
    )
    if submit:
        expense = submit_expense(
            acting_user=acting_user, expense=expense, expected_version=expense.version, today=today
        )
    if receipt is not None:
        add_attachment(acting_user=acting_user, expense=expense, upload=receipt)
    return expense


def _check_editable(expense: Expense) -> None:
    if expense.status not in rules.EDITABLE:
        raise BusinessRuleViolation(
            _("An expense is changed only as a draft or after a rejection; this one is %(status)s.")
            % {"status": expense.get_status_display()},
            details={"code": "not_editable"},
        )


@transaction.atomic
def update_expense(
    *,
    acting_user: User,
    expense: Expense,
    expected_version: int,
    changes: dict[str, Any],
    today: date | None = None,
) -> Expense:
    access.require(acting_user, "budgets.work_expense", expense)
    _refuse_unknown(changes, EXPENSE_FIELDS)
    _check_editable(expense)
    claim_version(expense, expected_version=expected_version, acting_user=acting_user)
    for name, value in changes.items():
        setattr(expense, name, value.strip() if isinstance(value, str) else value)
    _check_expense(expense, acting_user, today or timezone.localdate())
    expense.save()
    audit.record(acting_user, "expense_updated", expense, details={"fields": sorted(changes)})
    return expense


@transaction.atomic
def delete_expense(*, acting_user: User, expense: Expense, expected_version: int) -> None:
    """Drafts and rejected expenses can be thrown away (with their receipts); nothing approved is."""
    access.require(acting_user, "budgets.work_expense", expense)
    _check_editable(expense)
    claim_version(expense, expected_version=expected_version, acting_user=acting_user)
    files = [attachment.file for attachment in expense.attachments.all()]
    audit.record(acting_user, "expense_deleted", expense, details={"amount": str(expense.amount)})
    expense.delete()
    transaction.on_commit(lambda: [stored.delete(save=False) for stored in files])


def _reporting_line(spender: User) -> list[rules.Candidate]:
    """The active people above the spender, nearest first (two queries whatever the depth)."""
    from salesdesk.org import selectors as org

    employee = spender.employee
    above = {
        e.pk: e
        for e in Employee.objects.filter(pk__in=org.managers_above(employee.pk)).select_related("position")
    }
    line, current = [], above.get(employee.manager_id)
    while current is not None and len(line) < len(above):
        if current.status == "active":
            line.append(rules.Candidate(user_id=current.user_id, role=current.position.role))
        current = above.get(current.manager_id)
    return line


def _route(expense: Expense) -> list[tuple[str, int | None]]:
    spender_role = access.profile_of(expense.spender).role
    limits = selectors.approval_limits(expense.company_id)
    roles = rules.approval_roles(expense.amount, spender_role, limits)
    try:
        return rules.route_steps(roles, _reporting_line(expense.spender))
    except ValueError as exc:
        raise BusinessRuleViolation(
            _(
                "Nobody above you in the reporting line can approve as %(role)s. Ask an administrator "
                "to set your manager."
            )
            % {"role": Role(str(exc)).label},
            details={"code": "no_approver", "role": str(exc)},
        ) from None


def no_budget_text(expense: Expense) -> str:
    return _("No budget covers %(category)s of %(unit)s in %(month)s.") % {
        "category": expense.category,
        "unit": expense.unit,
        "month": f"{expense.incurred_on:%Y-%m}",
    }


def over_budget_text(expense: Expense, line: BudgetLine, check: rules.Check) -> str:
    return _(
        "This expense of %(amount)s would bring %(category)s of %(unit)s in %(month)s "
        "to %(after)s of %(budget)s."
    ) % {
        "amount": rules.format_money(expense.amount),
        "category": line.budget.category,
        "unit": line.budget.unit,
        "month": line.month_key,
        "after": rules.format_money(check.after),
        "budget": rules.format_money(line.amount),
    }


def warning_text(expense: Expense, line: BudgetLine, check: rules.Check) -> str:
    suffix = _("The budget only warns: the expense goes ahead %(excess)s over budget.") % {
        "excess": rules.format_money(check.excess)
    }
    return f"{over_budget_text(expense, line, check)} {suffix}"[:500]


def _charge(expense: Expense) -> None:
    """Charge the expense to its budget month under a row lock, or refuse it on a stop budget.

    The month is found and locked first; only then is what it has used summed (a new statement,
    so on PostgreSQL it sees everything committed while this transaction waited for the lock)."""
    line = selectors.charge_line_for(expense).select_for_update(of=("self",)).first()
    if line is None:
        expense.budget_line = None
        expense.budget_warning = no_budget_text(expense)
        return
    used = selectors.committed_on_line(line, excluding=expense)
    check = rules.check_budget(amount=expense.amount, used_before=used, budget=line.amount)
    expense.budget_line = line
    if not check.over:
        expense.budget_warning = ""
        return
    if line.budget.control_mode == ControlMode.STOP:
        stop = _("The budget is on stop: lower the amount or ask for more budget.")
        raise BusinessRuleViolation(
            f"{over_budget_text(expense, line, check)} {stop}",
            details={
                "code": "budget_exceeded",
                "budget_line": line.pk,
                "month": line.month_key,
                "amount": str(expense.amount),
                "used": str(used),
                "after": str(check.after),
                "budget": str(line.amount),
            },
        )
    expense.budget_warning = warning_text(expense, line, check)


@transaction.atomic
def submit_expense(
    *, acting_user: User, expense: Expense, expected_version: int, today: date | None = None
) -> Expense:
    """Route the expense for approval and charge it to its budget month (a stop budget refuses
    it with the figures; a warning budget lets it through and the warning stays on it)."""
    access.require(acting_user, "budgets.work_expense", expense)
    target = _transition(expense, "submit", _("Submitting"))
    _check_expense(expense, acting_user, today or timezone.localdate())
    claim_version(expense, expected_version=expected_version, acting_user=acting_user)
    steps = _route(expense)
    _charge(expense)
    expense.status = target
    expense.submitted_at = timezone.now()
    expense.decided_at = None
    expense.save()
    round_ = (expense.approvals.aggregate(last=Max("round"))["last"] or 0) + 1
    ExpenseApproval.objects.bulk_create(
        [
            ExpenseApproval(
                expense=expense,
                round=round_,
                sequence=n,
                role=role,
                approver_id=approver,
                spender=expense.spender,
            )
            for n, (role, approver) in enumerate(steps, start=1)
        ]
    )
    audit.record(
        acting_user,
        "expense_submitted",
        expense,
        details={"steps": [role for role, _approver in steps], "warning": expense.budget_warning},
    )
    return expense


@transaction.atomic
def withdraw_expense(*, acting_user: User, expense: Expense, expected_version: int) -> Expense:
    """The spender takes a submitted expense back to change it; its open steps are dropped."""
    access.require(acting_user, "budgets.work_expense", expense)
    target = _transition(expense, "withdraw", _("Withdrawing"))
    claim_version(expense, expected_version=expected_version, acting_user=acting_user)
    expense.approvals.filter(decision=StepDecision.PENDING).update(decision=StepDecision.WITHDRAWN)
    expense.status = target
    expense.save()
    audit.record(acting_user, "expense_withdrawn", expense)
    return expense


@transaction.atomic
def approve_expense(
    *, acting_user: User, expense: Expense, expected_version: int, comment: str = ""
) -> Expense:
    """Sign off the current step, and the steps right after it that are the approver's too (a
    manager signing for an absent supervisor signs their own step as well). The budget month is
    charged again: after the last step the expense is approved."""
    access.require(acting_user, "budgets.approve_expense", expense)
    claim_version(expense, expected_version=expected_version, acting_user=acting_user)
    pending = list(expense.approvals.filter(decision=StepDecision.PENDING).order_by("round", "sequence"))
    decided = []
    for step in pending:
        if not permissions.may_decide_step(acting_user, step, expense):
            break
        decided.append(step.pk)
    now = timezone.now()
    ExpenseApproval.objects.filter(pk__in=decided).update(
        decision=StepDecision.APPROVED, decided_by=acting_user, decided_at=now, comment=comment.strip()[:500]
    )
    _charge(expense)
    if len(decided) == len(pending):
        expense.status = _transition(expense, "approve", _("Approving"))
        expense.decided_at = now
    expense.save()
    audit.record(
        acting_user,
        "expense_approved",
        expense,
        details={
            "steps": len(decided),
            "final": expense.status == ExpenseStatus.APPROVED,
            "comment": comment,
        },
    )
    return expense


@transaction.atomic
def reject_expense(*, acting_user: User, expense: Expense, expected_version: int, comment: str) -> Expense:
    access.require(acting_user, "budgets.approve_expense", expense)
    target = _transition(expense, "reject", _("Rejecting"))
    if not comment.strip():
        _refuse({"comment": _("Say why the expense is rejected.")})
    claim_version(expense, expected_version=expected_version, acting_user=acting_user)
    step = selectors.current_step(expense)
    now = timezone.now()
    ExpenseApproval.objects.filter(pk=step.pk).update(
        decision=StepDecision.REJECTED, decided_by=acting_user, decided_at=now, comment=comment.strip()[:500]
    )
    expense.approvals.filter(decision=StepDecision.PENDING).update(decision=StepDecision.SKIPPED)
    expense.status = target
    expense.decided_at = now
    expense.save()
    audit.record(acting_user, "expense_rejected", expense, details={"comment": comment})
    return expense


@transaction.atomic
def pay_expense(
    *, acting_user: User, expense: Expense, expected_version: int, paid_on: date, today: date | None = None
) -> Expense:
    """Finance records the reimbursement (出纳付款)."""
    access.require(acting_user, "budgets.pay_expense", expense)
    target = _transition(expense, "pay", _("Paying"))
    today = today or timezone.localdate()
    if paid_on > today:
        _refuse(
            {
                "paid_on": _("A payment is recorded once it is made: %(day)s is in the future.")
                % {"day": paid_on}
            }
        )
    if paid_on < expense.incurred_on:
        _refuse({"paid_on": _("The payment cannot be before the money was spent.")})
    claim_version(expense, expected_version=expected_version, acting_user=acting_user)
    expense.status = target
    expense.paid_on = paid_on
    expense.save()
    audit.record(acting_user, "expense_paid", expense, details={"paid_on": paid_on.isoformat()})
    return expense


@transaction.atomic
def add_attachment(*, acting_user: User, expense: Expense, upload: UploadedFile) -> ExpenseAttachment:
    """Store a receipt under the media directory; it is served only to people who see the expense."""
    access.require(acting_user, "budgets.work_expense", expense)
    if expense.status not in rules.ATTACHABLE:
        raise BusinessRuleViolation(
            _("Receipts are added until the expense is paid; this one is %(status)s.")
            % {"status": expense.get_status_display()},
            details={"field": "file"},
        )
    problem = rules.attachment_problem(upload.size or 0, MAX_ATTACHMENT_BYTES)
    if problem == "empty":
        raise BusinessRuleViolation(_("The file is empty."), details={"field": "file"})
    if problem == "too_large":
        raise BusinessRuleViolation(_("Files up to 20 MB can be attached."), details={"field": "file"})
    name = (upload.name or "file").replace("/", "_").replace("\\", "_").replace("\x00", "")[-200:] or "file"
    attachment = ExpenseAttachment(
        expense=expense, name=name, size_bytes=upload.size, uploaded_by=acting_user
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit.record(acting_user, "expense_attachment_added", expense, details={"name": name})
    return attachment
