from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.forms import LoginForm
from salesdesk.core.paging import page_slice
from salesdesk.org import selectors as org


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@permission("core.signed_in")
def home(request):
    user = request.user
    employee = getattr(user, "employee", None)
    reports = []
    if employee is not None:
        reports = org.employee_list(user).filter(manager=employee, status="active")
    return render(
        request,
        "core/home.html",
        {
            "employee": employee,
            "profile": user.access_profile,
            "reports": reports,
            "delegations": org.delegations_touching(user, timezone.localdate()),
            "today": timezone.localdate(),
        },
    )


@permission("core.view_audit")
def audit_log(request):
    events = org.audit_events(request.user)
    action = request.GET.get("action", "")[:64]
    if action:
        events = events.filter(action=action)
    page = page_slice(events, request.GET.get("page"))
    template = "core/_audit_rows.html" if request.htmx else "core/audit_log.html"
    return render(request, template, {"page": page, "action": action})


@requires_csrf_token
def forbidden(request, exception=None):
    access.record_denial(request, exception)
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


@requires_csrf_token
def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@requires_csrf_token
def server_error(request):
    return render(request, "errors/500.html", status=500)
