from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesdesk.core import access

# Groups of (label, url name, rule that must allow it). The menu shows a role only what it may
# open; a group with nothing left disappears.
MENU = [
    (_("Home"), "home", [(_("Home"), "home", "core.signed_in")]),
    (
        _("Customers"),
        "building-store",
        [
            (_("Customers"), "customers:customer_list", "customers.view_customers"),
            (_("Public pool"), "customers:pool", "customers.view_customers"),
            (_("Visits"), "customers:visit_list", "customers.view_customers"),
            (_("Visit report"), "customers:visit_report", "customers.view_customers"),
        ],
    ),
    (
        _("Pipeline"),
        "layout-kanban",
        [
            (_("Deal board"), "pipeline:board", "pipeline.view_pipeline"),
            (_("Opportunities"), "pipeline:opportunity_list", "pipeline.view_pipeline"),
            (_("Leads"), "pipeline:lead_list", "pipeline.view_pipeline"),
            (_("Products"), "products:product_list", "products.view_products"),
            (_("Metrics"), "metrics:explorer", "metrics.view"),
        ],
    ),
    (
        _("Orders"),
        "file-certificate",
        [
            (_("Quotes"), "orders:quote_list", "orders.view_orders"),
            (_("Contracts"), "orders:contract_list", "orders.view_orders"),
            (_("Renewals due"), "orders:renewal_list", "orders.view_orders"),
            (_("Orders"), "orders:order_list", "orders.view_orders"),
            (_("Delivery changes"), "orders:delivery_change_list", "orders.view_orders"),
            (_("Price lists"), "orders:price_list_list", "orders.manage_price_lists"),
            (_("Discount limits"), "orders:discount_limits", "orders.configure_orders"),
            (_("Contract review steps"), "orders:review_steps", "orders.configure_contract_review"),
        ],
    ),
    (
        _("Receivables"),
        "cash",
        [
            (_("Collections workbench"), "receivables:workbench", "receivables.work_collections"),
            (_("Invoices"), "receivables:invoice_list", "receivables.view_receivables"),
            (_("Payments"), "receivables:payment_list", "receivables.view_receivables"),
            (_("Unallocated payments"), "receivables:unallocated_payments", "receivables.post_payment"),
            (_("AR aging"), "receivables:aging_report", "receivables.view_aging"),
            (_("Provision"), "receivables:aging_provision", "receivables.view_aging"),
            (_("Write-offs"), "receivables:write_off_list", "receivables.view_aging"),
            (_("Credit"), "receivables:credit_list", "receivables.view_receivables"),
            (_("Credit holds"), "receivables:credit_holds", "receivables.view_receivables"),
            (
                _("Collection settings"),
                "receivables:collection_settings",
                "receivables.view_collection_settings",
            ),
        ],
    ),
    (
        _("Planning"),
        "target-arrow",
        [
            (_("Sales plans"), "planning:plan_list", "planning.view_plans"),
            (_("My numbers"), "planning:my_numbers", "planning.propose"),
            (_("Attainment"), "planning:attainment", "planning.view_plans"),
            (_("Target adjustments"), "planning:adjustment_list", "planning.view_plans"),
            (_("Adjustment approvals"), "planning:adjustment_inbox", "planning.approve_adjustment"),
            (_("Action plans"), "planning:action_plan_list", "planning.work_action_plan"),
            (_("Seasonality templates"), "planning:distribution_list", "planning.manage_plans"),
        ],
    ),
    (
        _("Budgets"),
        "coin-yuan",
        [
            (_("My expenses"), "budgets:expense_list", "budgets.view_expenses"),
            (_("New expense"), "budgets:expense_create", "budgets.file_expense"),
            (_("Expense approvals"), "budgets:approval_inbox", "budgets.approve_expense"),
            (_("Budgets"), "budgets:budget_list", "budgets.view_budgets"),
            (_("Weekly costs"), "budgets:weekly_costs", "budgets.view_cost_analysis"),
            (_("Expense settings"), "budgets:settings", "budgets.configure_expenses"),
        ],
    ),
    (
        _("Organisation"),
        "sitemap",
        [
            (_("Org chart"), "org:chart", "org.view_org"),
            (_("Employees"), "org:employee_list", "org.view_org"),
            (_("Delegations"), "org:delegation_list", "org.view_org"),
            (_("Positions & scopes"), "org:position_list", "org.configure_positions"),
        ],
    ),
    (
        _("Data"),
        "database",
        [
            (_("Imports"), "imports:job_list", "imports.run"),
            (_("Audit log"), "audit_log", "core.view_audit"),
        ],
    ),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    menu = []
    for label, icon, entries in MENU:
        items = [
            {"label": item_label, "url": reverse(name), "active": request.path == reverse(name)}
            for item_label, name, rule in entries
            if access.can(user, rule)
        ]
        if items:
            menu.append(
                {"label": label, "icon": icon, "items": items, "active": any(i["active"] for i in items)}
            )
    return {"menu": menu}
