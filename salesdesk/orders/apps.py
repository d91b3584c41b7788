from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "salesdesk.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from salesdesk.core import audit

        audit.register_actions(
            {
                "price_list_created": _("Price list added"),
                "price_list_updated": _("Price list changed"),
                "price_set": _("Price set"),
                "price_removed": _("Price removed"),
                "discount_limits_set": _("Discount limits changed"),
                "review_step_saved": _("Contract review step saved"),
                "quote_created": _("Quote added"),
                "quote_updated": _("Quote changed"),
                "quote_submitted": _("Quote submitted for approval"),
                "quote_approved": _("Quote approved"),
                "quote_rejected": _("Quote rejected"),
                "contract_created": _("Contract added"),
                "contract_updated": _("Contract changed"),
                "contract_submitted": _("Contract submitted for review"),
                "contract_review_approved": _("Contract review step approved"),
                "contract_review_rejected": _("Contract review step rejected"),
                "contract_signed": _("Contract signed"),
                "contract_terminated": _("Contract terminated"),
                "contracts_expired": _("Contracts expired at the end of their term"),
                "contract_commented": _("Contract comment added"),
                "contract_attachment_added": _("Contract file attached"),
                "order_created": _("Order added"),
                "order_shipments_set": _("Delivery schedule changed"),
                "order_production_started": _("Production started"),
                "order_progress": _("Production progress recorded"),
                "order_shipped": _("Shipment shipped"),
                "order_completed": _("Order completed"),
                "order_paused": _("Order paused"),
                "order_resumed": _("Order resumed"),
                "order_cancelled": _("Order cancelled"),
                "delivery_change_requested": _("Delivery change requested"),
                "delivery_change_approved": _("Delivery change approved"),
                "delivery_change_rejected": _("Delivery change rejected"),
            }
        )
        from salesdesk.orders import permissions  # noqa: F401  (registers the order rules)
