from django.urls import include, path

from salesdesk.api import api
from salesdesk.org import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("", include("salesdesk.core.urls")),
    path("org/", include("salesdesk.org.urls")),
    path("customers/", include("salesdesk.customers.urls")),
    path("products/", include("salesdesk.products.urls")),
    path("pipeline/", include("salesdesk.pipeline.urls")),
    path("orders/", include("salesdesk.orders.urls")),
    path("receivables/", include("salesdesk.receivables.urls")),
    path("imports/", include("salesdesk.imports.urls")),
    path("metrics/", include("salesdesk.metrics.urls")),
    path("planning/", include("salesdesk.planning.urls")),
    path("budgets/", include("salesdesk.budgets.urls")),
    path("api/v1/", api.urls),
]

handler403 = "salesdesk.core.views.forbidden"
handler404 = "salesdesk.core.views.not_found"
handler500 = "salesdesk.core.views.server_error"
