"""Audit: record() writes one AuditEvent; login, failed login and lock-out are recorded from
Django's and django-axes' authentication signals (the one place signals are right: they are
raised by libraries we do not own)."""

from typing import Any

from django.contrib.auth import signals as auth_signals
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesdesk.core.middleware import current_request
from salesdesk.core.models import AuditEvent

# What each action code means to a person reading the audit log. Apps add their own with
# register_actions() in their AppConfig.ready(); an unknown code is shown as it is.
_ACTION_LABELS: dict[str, str] = {
    "login": _("Signed in"),
    "logout": _("Signed out"),
    "login_failed": _("Failed sign-in"),
    "login_locked_out": _("Locked out after failed sign-ins"),
    "access_denied": _("Access denied"),
}


def register_actions(labels: dict[str, str]) -> None:
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(_ACTION_LABELS.get(action, action))


def _client_address(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")[:300]


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    details: dict[str, Any] | None = None,
    request=None,
    actor_name: str = "",
) -> AuditEvent:
    request = request if request is not None else current_request()
    ip, agent = _client_address(request)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(str(actor) if is_user else actor_name)[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        ip_address=ip,
        user_agent=agent,
        details=details or {},
    )


def _on_login(sender, request, user, **kwargs) -> None:
    record(user, "login", request=request)


def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(user, "logout", request=request)


def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    record(None, "login_failed", request=request, actor_name=str(credentials.get("username", ""))[:150])


def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    record(None, "login_locked_out", request=request, actor_name=str(username or "")[:150])


def connect_auth_signals() -> None:
    from axes.signals import user_locked_out

    auth_signals.user_logged_in.connect(_on_login, dispatch_uid="salesdesk_audit_login")
    auth_signals.user_logged_out.connect(_on_logout, dispatch_uid="salesdesk_audit_logout")
    auth_signals.user_login_failed.connect(_on_login_failed, dispatch_uid="salesdesk_audit_login_failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="salesdesk_audit_locked_out")
