from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "salesdesk.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from salesdesk.core import audit

        audit.register_actions(
            {
                "customer_created": _("Customer added"),
                "customer_updated": _("Customer changed"),
                "contact_added": _("Contact added"),
                "contact_updated": _("Contact changed"),
                "visit_planned": _("Visit planned"),
                "visit_completed": _("Visit done"),
                "visit_cancelled": _("Visit cancelled"),
                "customer_claimed": _("Customer claimed from the pool"),
                "customer_released": _("Customer released to the pool"),
                "customer_reassigned": _("Customer reassigned"),
                "customers_returned_to_pool": _("Inactive customers returned to the pool"),
                "value_classes_applied": _("ABC classes recomputed"),
                "lifecycles_applied": _("Lifecycles recomputed"),
                "tier_policy_updated": _("Tier policy changed"),
                "customer_policy_updated": _("Customer policy changed"),
            }
        )
        from salesdesk.customers import permissions  # noqa: F401  (registers the customer rules)
