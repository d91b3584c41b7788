from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "salesdesk.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from salesdesk.org import permissions  # noqa: F401  (registers the org rules)

        post_migrate.connect(_create_positions, sender=self, dispatch_uid="salesdesk_org_positions")


def _create_positions(sender, **kwargs) -> None:
    from salesdesk.org.services import ensure_positions

    ensure_positions()
