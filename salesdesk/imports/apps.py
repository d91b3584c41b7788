from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "salesdesk.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from salesdesk.core import audit

        audit.register_actions(
            {
                "import_started": _("Import started"),
                "import_finished": _("Import finished"),
                "import_mapping_saved": _("Import mapping saved"),
            }
        )
        from salesdesk.imports import permissions  # noqa: F401  (registers the import rules)
