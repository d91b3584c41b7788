from django.urls import include, path

from salesdesk.receivables import views

app_name = "receivables"
urlpatterns = [
    path("orders/<int:pk>/confirm/", views.order_confirm, name="order_confirm"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/export.<str:fmt>", views.invoice_export, name="invoice_export"),
    path("invoices/new/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/cancel/", views.invoice_cancel, name="invoice_cancel"),
    path("payments/", views.payment_list, name="payment_list"),
    path("payments/unallocated/", views.unallocated_payments, name="unallocated_payments"),
    path("payments/new/", views.payment_create, name="payment_create"),
    path("payments/refund/", views.payment_refund, name="payment_refund"),
    path("payments/open-invoices/", views.open_invoices, name="open_invoices"),
    path("payments/<int:pk>/", views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/allocate/", views.payment_allocate, name="payment_allocate"),
    path("payments/<int:pk>/unallocate/", views.payment_unallocate, name="payment_unallocate"),
    path("credit/", views.credit_list, name="credit_list"),
    path("credit/customers/<int:customer_pk>/", views.credit_edit, name="credit_edit"),
    path("credit/holds/", views.credit_holds, name="credit_holds"),
    path("credit/holds/<int:pk>/decide/", views.credit_hold_decide, name="credit_hold_decide"),
    path("contracts/<int:pk>/plan/", views.contract_plan, name="contract_plan"),
    path("customers/<int:pk>/timeline/", views.customer_timeline, name="customer_timeline"),
    # Aging, dunning, bad debt and the collections workbench.
    path("", include("salesdesk.receivables.urls_aging")),
    # Aging buckets, the dunning ladder and the collection policy.
    path("", include("salesdesk.receivables.urls_settings")),
]
