"""The collection settings page and its forms; included by receivables.urls (namespace
"receivables")."""

from django.urls import path

from salesdesk.receivables import views_settings as views

urlpatterns = [
    path("settings/", views.collection_settings, name="collection_settings"),
    path("settings/buckets/new/", views.bucket_create, name="bucket_create"),
    path("settings/buckets/<int:pk>/", views.bucket_update, name="bucket_update"),
    path("settings/buckets/<int:pk>/delete/", views.bucket_delete, name="bucket_delete"),
    path("settings/steps/new/", views.step_create, name="step_create"),
    path("settings/steps/<int:pk>/", views.step_update, name="step_update"),
    path("settings/steps/<int:pk>/remove/", views.step_state, {"action": "remove"}, name="step_remove"),
    path(
        "settings/steps/<int:pk>/reactivate/",
        views.step_state,
        {"action": "reactivate"},
        name="step_reactivate",
    ),
    path("settings/policy/", views.policy_update, name="policy_update"),
]
