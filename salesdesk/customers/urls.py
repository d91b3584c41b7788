from django.urls import path

from salesdesk.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    path("export.csv", views.customer_export_csv, name="customer_export_csv"),
    path("export.xlsx", views.customer_export_xlsx, name="customer_export_xlsx"),
    path("new/", views.customer_create, name="customer_create"),
    path("pool/", views.pool, name="pool"),
    path("settings/", views.customer_settings, name="settings"),
    path("settings/tiers/<str:tier>/", views.tier_policy_update, name="tier_policy_update"),
    path("settings/policy/", views.customer_policy_update, name="customer_policy_update"),
    path("<int:pk>/", views.customer_detail, name="customer_detail"),
    path("<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/visits/new/", views.visit_plan, name="visit_plan"),
    path("<int:pk>/claim/", views.customer_claim, name="customer_claim"),
    path("<int:pk>/release/", views.customer_release, name="customer_release"),
    path("<int:pk>/reassign/", views.customer_reassign, name="customer_reassign"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/report/", views.visit_report, name="visit_report"),
    path("visits/<int:pk>/complete/", views.visit_complete, name="visit_complete"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
]
