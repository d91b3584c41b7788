from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "salesdesk.planning"
    label = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from salesdesk.core import audit

        audit.register_actions(
            {
                "plan_created": _("Sales plan added"),
                "plan_activated": _("Sales plan activated"),
                "plan_archived": _("Sales plan archived"),
                "distribution_saved": _("Distribution saved"),
                "target_set": _("Target set"),
                "target_split": _("Target split"),
                "proposal_saved": _("Target proposed"),
                "proposal_decided": _("Proposal decided"),
                "adjustment_requested": _("Target adjustment requested"),
                "adjustment_decided": _("Target adjustment decided"),
                "action_plan_saved": _("Action plan saved"),
                "action_plan_checked": _("Action plan checked"),
            }
        )
        from salesdesk.planning import permissions  # noqa: F401  (registers the planning rules)
