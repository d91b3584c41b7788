"""Who may do what with budgets and expenses.

* Read: everyone in the company opens the pages; what they see is scoped (querysets.py).
* Budgets are set by the director and administrators for any unit, and by a manager for the
  units below their own — never their own unit's budget, which comes from above (as targets do).
* Categories and approval limits are company settings: the director and administrators.
* Expenses are filed by salespeople for themselves and changed only by their spender.
* Approval goes up the spender's reporting line: the person the step was routed to, or anyone of
  that rung or higher above the spender (a stand-in); a director's own expenses go to finance.
  Nobody approves their own. Finance pays approved expenses.
* The weekly cost analysis is for leaders and finance.
"""

from salesdesk.budgets import rules
from salesdesk.core import access
from salesdesk.core.access import company_id_of, profile_of

TOP = frozenset({"director", "admin"})
LEADERS = frozenset({"supervisor", "manager", "director", "admin"})
APPROVERS = frozenset({"supervisor", "manager", "director", "finance"})
COST_READERS = frozenset({"supervisor", "manager", "director", "admin", "finance"})


def _role(user) -> str:
    profile = profile_of(user)
    return "admin" if profile.is_admin else profile.role


def _in_company(user) -> bool:
    return company_id_of(user) is not None or profile_of(user).is_admin


def _same_company(user, company_id: int) -> bool:
    mine = company_id_of(user)
    return company_id == mine if mine is not None else profile_of(user).is_admin


def is_above(user, spender) -> bool:
    """``user`` is somewhere above ``spender`` in the reporting line."""
    from salesdesk.org import selectors as org

    mine = getattr(user, "employee", None)
    theirs = getattr(spender, "employee", None)
    if mine is None or theirs is None or mine.company_id != theirs.company_id:
        return False
    return mine.pk in org.managers_above(theirs.pk)


@access.rule("budgets.view_budgets")
def can_view_budgets(user, obj) -> bool:
    """Everyone with a job in the company; the budgets they see are scoped."""
    return _in_company(user)


@access.rule("budgets.configure_expenses")
def can_configure_expenses(user, obj) -> bool:
    """Expense categories and approval limits: the director and administrators."""
    return _role(user) in TOP and _in_company(user)


@access.rule("budgets.set_budget")
def can_set_budget(user, obj) -> bool:
    """``obj``: a Budget or the OrgUnit a budget is for (None: may set some budget at all)."""
    role = _role(user)
    if role not in TOP | {"manager"} or not _in_company(user):
        return False
    if obj is None:
        return True
    unit = getattr(obj, "unit", obj)
    if not _same_company(user, unit.company_id):
        return False
    if role in TOP:
        return True
    mine = profile_of(user)
    return bool(mine.unit_path) and unit.path.startswith(mine.unit_path) and unit.pk != mine.unit_id


@access.rule("budgets.view_expenses")
def can_view_expenses(user, obj) -> bool:
    return _in_company(user)


@access.rule("budgets.file_expense")
def can_file_expense(user, obj) -> bool:
    """Salespeople record their own expenses (the director too; administrators do not spend)."""
    return _role(user) in rules.FILERS and company_id_of(user) is not None


@access.rule("budgets.work_expense")
def can_work_expense(user, expense) -> bool:
    """Edit, submit, withdraw, delete and attach receipts: the spender, and only the spender."""
    if not can_file_expense(user, None):
        return False
    return expense is None or expense.spender_id == user.pk


def may_decide_step(user, step, expense) -> bool:
    """Whether ``user`` may decide one approval step of ``expense``."""
    if user.pk == expense.spender_id:
        return False
    role = _role(user)
    if step.role == rules.FINANCE:
        return role == rules.FINANCE and _same_company(user, expense.company_id)
    if step.approver_id is not None and (
        step.approver_id == user.pk or step.approver_id in profile_of(user).delegator_user_ids
    ):
        return True
    return rules.may_stand_in(role, step.role) and is_above(user, expense.spender)


@access.rule("budgets.approve_expense")
def can_approve_expense(user, expense) -> bool:
    """Approve or reject the expense's current step (see may_decide_step)."""
    role = _role(user)
    if role not in APPROVERS:
        return False
    if expense is None:
        return True
    if expense.status != "submitted":
        return False
    from salesdesk.budgets import selectors

    step = selectors.current_step(expense)
    return step is not None and may_decide_step(user, step, expense)


@access.rule("budgets.pay_expense")
def can_pay_expense(user, expense) -> bool:
    """Finance pays approved expenses of its company (出纳)."""
    if _role(user) != rules.FINANCE:
        return False
    return expense is None or _same_company(user, expense.company_id)


@access.rule("budgets.view_cost_analysis")
def can_view_cost_analysis(user, obj) -> bool:
    """The weekly cost analysis by unit: leaders and finance."""
    return _role(user) in COST_READERS and _in_company(user)
