from django.urls import path

from salesdesk.org import views

app_name = "org"
urlpatterns = [
    path("chart/", views.org_chart, name="chart"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("employees/", views.employee_list, name="employee_list"),
    path("employees/export.csv", views.employee_export, name="employee_export"),
    path("employees/new/", views.employee_create, name="employee_create"),
    path("employees/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("employees/<int:pk>/edit/", views.employee_edit, name="employee_edit"),
    path("delegations/", views.delegation_list, name="delegation_list"),
    path("delegations/<int:pk>/revoke/", views.delegation_revoke, name="delegation_revoke"),
    path("positions/", views.position_list, name="position_list"),
    path("positions/<int:pk>/", views.position_update, name="position_update"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/password/", views.change_password, name="change_password"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
