from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "salesdesk.receivables"
    label = "receivables"
    verbose_name = _("Receivables")

    def ready(self) -> None:
        from salesdesk.core import audit

        audit.register_actions(
            {
                "invoice_issued": _("Invoice issued"),
                "invoice_cancelled": _("Invoice cancelled"),
                "collection_plan_set": _("Collection plan changed"),
                "payment_posted": _("Payment posted"),
                "payment_refunded": _("Refund paid"),
                "payment_allocated": _("Payment allocated to invoices"),
                "payment_unallocated": _("Payment allocation reversed"),
                "credit_profile_created": _("Credit profile added"),
                "credit_profile_updated": _("Credit profile changed"),
                "order_credit_confirmed": _("Order confirmed after the credit check"),
                "order_credit_hold": _("Order put on credit hold"),
                "credit_hold_approved": _("Credit hold approved"),
                "credit_hold_rejected": _("Credit hold rejected"),
            }
        )
        from salesdesk.receivables import (
            permissions,  # noqa: F401  (registers the receivables rules)
            permissions_aging,  # noqa: F401  (aging, dunning, bad-debt rules)
        )
