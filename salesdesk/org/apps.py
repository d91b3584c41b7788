from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "salesdesk.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.utils.translation import gettext_lazy as _

        from salesdesk.core import audit
        from salesdesk.org import permissions  # noqa: F401  (registers the org rules)

        audit.register_actions(
            {
                "employee_created": _("Employee added"),
                "employee_updated": _("Employee changed"),
                "profile_updated": _("Own profile changed"),
                "unit_created": _("Org unit added"),
                "position_scope_changed": _("Data scope of a position changed"),
                "work_delegated": _("Work handed over"),
                "delegation_revoked": _("Delegation revoked"),
                "api_token_created": _("API token created"),
                "api_token_revoked": _("API token revoked"),
            }
        )
        post_migrate.connect(_create_positions, sender=self, dispatch_uid="salesdesk_org_positions")


def _create_positions(sender, **kwargs) -> None:
    from salesdesk.org.services import ensure_positions

    ensure_positions()
