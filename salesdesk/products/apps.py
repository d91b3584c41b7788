from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "salesdesk.products"
    label = "products"
    verbose_name = _("Products")

    def ready(self) -> None:
        from salesdesk.core import audit

        audit.register_actions(
            {
                "product_created": _("Product added"),
                "product_updated": _("Product changed"),
            }
        )
        from salesdesk.products import permissions  # noqa: F401  (registers the product rules)
