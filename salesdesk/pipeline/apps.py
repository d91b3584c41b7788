from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salesdesk.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self) -> None:
        from salesdesk.core import audit

        audit.register_actions(
            {
                "lead_created": _("Lead added"),
                "lead_updated": _("Lead changed"),
                "lead_assigned": _("Lead assigned"),
                "lead_qualified": _("Lead qualified or disqualified"),
                "lead_converted": _("Lead converted"),
                "opportunity_created": _("Opportunity added"),
                "opportunity_updated": _("Opportunity changed"),
                "opportunity_moved": _("Opportunity moved to another stage"),
                "opportunity_lines_set": _("Opportunity products changed"),
                "credit_split_set": _("Credit split changed"),
                "stage_created": _("Pipeline stage added"),
                "stage_updated": _("Pipeline stage changed"),
                "stage_moved": _("Pipeline stage moved"),
                "loss_reason_created": _("Loss reason added"),
                "loss_reason_updated": _("Loss reason changed"),
            }
        )
        from salesdesk.pipeline import permissions  # noqa: F401  (registers the pipeline rules)
