"""Pages of aging, dunning, bad debt and the workbench; included by receivables.urls (namespace
"receivables")."""

from django.urls import path

from salesdesk.receivables import views_aging as views

urlpatterns = [
    path("aging/", views.aging_report, name="aging_report"),
    path("aging/invoices/", views.aging_invoices, name="aging_invoices"),
    path("aging/export.<str:fmt>", views.aging_export, name="aging_export"),
    path("aging/provision/", views.provision_report, name="aging_provision"),
    path("workbench/", views.workbench, name="workbench"),
    path("collections/invoices/<int:pk>/", views.invoice_collections, name="invoice_collections"),
    path("collections/invoices/<int:pk>/contact/", views.contact_attempt, name="contact_attempt"),
    path("collections/invoices/<int:pk>/classify/", views.classify, name="classify_debt"),
    path("collections/invoices/<int:pk>/write-off/", views.write_off_request, name="write_off_request"),
    path("write-offs/", views.write_off_list, name="write_off_list"),
    path("write-offs/<int:pk>/<str:decision>/", views.write_off_decide, name="write_off_decide"),
]
