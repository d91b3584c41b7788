"""What the planning pages share: fetching in scope, owners, and showing a refused write."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from salesdesk.core import access
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.forms import add_service_error
from salesdesk.org import selectors as org
from salesdesk.planning import forms
from salesdesk.planning.models import (
    SalesPlan,
    Target,
)
from salesdesk.planning.rules import Levels
from salesdesk.planning.services import Owner

SERVICE_ERRORS = (BusinessRuleViolation, StaleVersion, PermissionDenied)


def error_status(exc: Exception) -> int:
    return 403 if isinstance(exc, PermissionDenied) else getattr(exc, "status", 422)


def error_message(request, exc: Exception) -> str:
    """The person-readable reason of a refused write; a refusal is audited like a 403 page."""
    if isinstance(exc, PermissionDenied):
        access.record_denial(request, exc)
        return str(exc)
    return exc.message


def show_error(request, form, exc: Exception) -> int:
    if isinstance(exc, PermissionDenied):
        form.add_error(None, error_message(request, exc))
    else:
        add_service_error(form, exc)
    return error_status(exc)


def plan_in_scope(request, pk: int) -> SalesPlan:
    return get_object_or_404(SalesPlan.objects.visible_to(request.user), pk=pk)


def target_in_scope(request, pk: int) -> Target:
    return get_object_or_404(
        Target.objects.visible_to(request.user).select_related("plan", "owner_unit", "owner_user", "parent"),
        pk=pk,
    )


def owner_named(request, key: str) -> Owner:
    """The unit or employee an owner key names, within what the user may see (else 404)."""
    kind, pk = forms.parse_owner_key(key)
    if kind == "unit":
        return Owner(unit=get_object_or_404(org.units(request.user), pk=pk))
    return Owner(user=get_object_or_404(org.employee_list(request.user), user_id=pk).user)


def owner_of(target) -> Owner:
    return Owner(unit=target.owner_unit) if target.owner_unit_id else Owner(user=target.owner_user)


def levels_from(data) -> Levels:
    return Levels(floor=data["floor"], goal=data["goal"], stretch=data["stretch"])


def owner_label(node) -> str:
    return str(node.owner_unit or node.owner_user)
