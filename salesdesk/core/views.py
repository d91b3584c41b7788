from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from salesdesk.core import access, selectors
from salesdesk.core.access import permission
from salesdesk.core.forms import LoginForm
from salesdesk.core.paging import page_slice


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@permission("core.view_audit")
def audit_log(request):
    events = selectors.audit_events(request.user)
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
