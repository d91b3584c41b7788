from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from salesdesk.core import views
from salesdesk.core.access import public

urlpatterns = [
    path("login/", public(views.LoginView.as_view()), name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("audit/", views.audit_log, name="audit_log"),
]
