from django.urls import path

from salesdesk.budgets import views

app_name = "budgets"
urlpatterns = [
    path("", views.budget_list, name="budget_list"),
    path("new/", views.budget_create, name="budget_create"),
    path("<int:pk>/", views.budget_detail, name="budget_detail"),
    path("<int:pk>/edit/", views.budget_edit, name="budget_edit"),
    path("lines/<int:pk>/", views.budget_line_edit, name="budget_line_edit"),
    path("settings/", views.expense_settings, name="settings"),
    path("settings/categories/new/", views.category_create, name="category_create"),
    path("settings/categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("settings/limits/", views.limits_edit, name="limits_edit"),
    path("expenses/", views.expense_list, name="expense_list"),
    path("expenses/new/", views.expense_create, name="expense_create"),
    path("expenses/<int:pk>/", views.expense_detail, name="expense_detail"),
    path("expenses/<int:pk>/edit/", views.expense_edit, name="expense_edit"),
    path("expenses/<int:pk>/submit/", views.expense_submit, name="expense_submit"),
    path("expenses/<int:pk>/withdraw/", views.expense_withdraw, name="expense_withdraw"),
    path("expenses/<int:pk>/approve/", views.expense_approve, name="expense_approve"),
    path("expenses/<int:pk>/reject/", views.expense_reject, name="expense_reject"),
    path("expenses/<int:pk>/pay/", views.expense_pay, name="expense_pay"),
    path("expenses/<int:pk>/delete/", views.expense_delete, name="expense_delete"),
    path("expenses/<int:pk>/attachments/", views.expense_attach, name="expense_attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("approvals/", views.approval_inbox, name="approval_inbox"),
    path("costs/weekly/", views.weekly_costs, name="weekly_costs"),
]
