from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "salesdesk.metrics"
    label = "metrics"
    verbose_name = _("Metrics")

    def ready(self) -> None:
        from salesdesk.metrics import permissions  # noqa: F401  (registers the metrics rules)
