from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "salesdesk.budgets"
    label = "budgets"
    verbose_name = _("Budgets and expenses")

    def ready(self) -> None:
        from salesdesk.core import audit

        audit.register_actions(
            {
                "expense_category_saved": _("Expense category saved"),
                "expense_limits_set": _("Expense approval limits set"),
                "budget_created": _("Budget added"),
                "budget_updated": _("Budget changed"),
                "budget_line_set": _("Budget month changed"),
                "expense_created": _("Expense recorded"),
                "expense_updated": _("Expense changed"),
                "expense_deleted": _("Expense deleted"),
                "expense_submitted": _("Expense submitted"),
                "expense_withdrawn": _("Expense withdrawn"),
                "expense_approved": _("Expense approved"),
                "expense_rejected": _("Expense rejected"),
                "expense_paid": _("Expense paid"),
                "expense_attachment_added": _("Receipt attached"),
            }
        )
        from salesdesk.budgets import permissions  # noqa: F401  (registers the budgets rules)
        from salesdesk.budgets.metrics import register_metrics

        register_metrics()
