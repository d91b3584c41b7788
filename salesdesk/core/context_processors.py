from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesdesk.core import access

# (label, url name, rule that must allow it, icon). The menu shows a role only what it may open.
MENU = [
    (_("Home"), "home", "core.signed_in", "home"),
    (_("Org chart"), "org:chart", "org.view_org", "sitemap"),
    (_("Employees"), "org:employee_list", "org.view_org", "users"),
    (_("Delegations"), "org:delegation_list", "org.view_org", "arrows-exchange"),
    (_("Positions & scopes"), "org:position_list", "org.configure_positions", "shield-lock"),
    (_("Audit log"), "audit_log", "core.view_audit", "list-search"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    menu = [
        {"label": label, "url": reverse(name), "icon": icon, "active": request.path == reverse(name)}
        for label, name, rule, icon in MENU
        if access.can(user, rule)
    ]
    return {"menu": menu}
