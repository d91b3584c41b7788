from django.urls import include, path

from salesdesk.api import api
from salesdesk.org import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("", include("salesdesk.core.urls")),
    path("org/", include("salesdesk.org.urls")),
    path("api/v1/", api.urls),
]

handler403 = "salesdesk.core.views.forbidden"
handler404 = "salesdesk.core.views.not_found"
handler500 = "salesdesk.core.views.server_error"
