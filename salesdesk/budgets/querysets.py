"""Who sees which budgets and expenses.

* Categories and approval limits are company settings everyone in the company reads.
* Budgets belong to units. Everyone sees the budgets that can be charged for their own expenses
  (their unit's and those of the units above it); a subtree scope (managers) adds every unit
  below; the company scope (directors, admins) and finance see all of the company's.
* Expenses belong to their spender: the data scope of the org tree (own, subordinates, the unit
  charged or its subtree, all) decides, like every personal record; finance sees every expense
  of the company, as it pays them.
"""

from django.db import models
from django.db.models import Q

from salesdesk.core import access
from salesdesk.core.access import DataScope

COMPANY_READERS = frozenset({"finance"})


def reads_company(user) -> bool:
    """Finance controls costs: it reads every budget and expense of its company."""
    profile = access.profile_of(user)
    return profile is not None and (profile.is_admin or profile.role in COMPANY_READERS)


def unit_ids_on_path(path: str) -> list[int]:
    """ "/1/4/9/" → [1, 4, 9]: the unit and every unit above it."""
    return [int(part) for part in path.strip("/").split("/") if part]


def budget_q(user, prefix: str = "") -> Q:
    profile = access.profile_of(user)
    if profile is None:
        return access.NOTHING
    company = access.company_q(user, f"{prefix}company_id")
    if reads_company(user) or profile.scope == DataScope.ALL:
        return company
    if not profile.unit_path:
        return access.NOTHING
    q = Q(**{f"{prefix}unit_id__in": unit_ids_on_path(profile.unit_path)})
    if profile.scope == DataScope.SUBTREE:
        q |= Q(**{f"{prefix}unit__path__startswith": profile.unit_path})
    return q & company


def expense_q(user, prefix: str = "") -> Q:
    if access.profile_of(user) is None:
        return access.NOTHING
    company = access.company_q(user, f"{prefix}company_id")
    if reads_company(user):
        return company
    return access.visible_q(user, owner=f"{prefix}spender", owner_unit=f"{prefix}unit") & company


class ExpenseCategoryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExpenseCategoryQuerySet":
        if access.profile_of(user) is None:
            return self.none()
        return self.filter(access.company_q(user))

    def active(self) -> "ExpenseCategoryQuerySet":
        return self.filter(is_active=True)


class BudgetQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BudgetQuerySet":
        return self.filter(budget_q(user))


class BudgetLineQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BudgetLineQuerySet":
        return self.filter(budget_q(user, "budget__"))


class ExpenseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExpenseQuerySet":
        return self.filter(expense_q(user))


class ExpenseAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExpenseAttachmentQuerySet":
        return self.filter(expense_q(user, "expense__"))
