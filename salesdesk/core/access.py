"""The one access mechanism.

Two questions, answered here and nowhere else:

* **Which records may this user see?** ``visible_q(user, owner=...)`` turns the user's data scope
  into a filter on a record's owner. Scopes come from the user's position (admins configure them)
  and the org tree: own, own + subordinates (reporting tree), own unit, unit subtree, all. Active
  delegations add the delegators' records to the delegate's view. Every ``visible_to(user)``
  queryset method is built from it, so lists, details, searches, exports, aggregates and the API
  all agree. Out of scope means 404: such a record does not exist for that user.
* **May this user do this?** Apps register named predicates with ``@rule("app.verb_object")``;
  ``can()`` asks one, ``require()`` raises PermissionDenied (403) and writes an audit row.
  Every page and API route declares the rule that guards it with ``@permission(...)``; a test
  walks all routes and fails on any that does not.

core knows nothing of the org app: the user model provides ``access_profile`` (see
``AccessProfile``), computed once per request.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DataScope(models.TextChoices):
    OWN = "own", _("Own records")
    SUBORDINATES = "subordinates", _("Own and subordinates' records")
    UNIT = "unit", _("Own org unit")
    SUBTREE = "subtree", _("Own org unit and the units below it")
    ALL = "all", _("All records")


@dataclass(frozen=True)
class AccessProfile:
    user_id: int
    scope: DataScope
    role: str = ""
    unit_id: int | None = None
    unit_path: str = ""
    # Self, the whole reporting tree below the user (for the SUBORDINATES scope), and the
    # users whose work is delegated to this user today.
    subordinate_user_ids: frozenset[int] = field(default_factory=frozenset)
    delegator_user_ids: frozenset[int] = field(default_factory=frozenset)
    is_admin: bool = False


NOTHING = Q(pk__in=[])


def profile_of(user) -> AccessProfile | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.access_profile


def visible_q(user, *, owner: str, unit: str | None = None, owner_unit: str | None = None) -> Q:
    """A filter for the records ``user`` may see; ``owner`` is the path to the owning user's FK
    ("owner", "opportunity__owner", "user"); ``unit`` optionally the path to an OrgUnit FK for
    records that belong to a unit rather than to a person; ``owner_unit`` the path to the owner's
    OrgUnit when the record has a shorter one than through the owner's employee row (an Employee
    has its unit itself: joining back through its user would cost two joins per row)."""
    owner_unit = owner_unit or f"{owner}__employee__unit"
    profile = profile_of(user)
    if profile is None:
        return NOTHING
    if profile.is_admin or profile.scope == DataScope.ALL:
        return Q()
    acting_for = {profile.user_id, *profile.delegator_user_ids}
    if profile.scope == DataScope.SUBORDINATES:
        acting_for |= profile.subordinate_user_ids
    q = Q(**{f"{owner}__in": acting_for})
    if profile.scope == DataScope.SUBTREE and profile.unit_path:
        q |= Q(**{f"{owner_unit}__path__startswith": profile.unit_path})
        if unit:
            q |= Q(**{f"{unit}__path__startswith": profile.unit_path})
    elif profile.scope == DataScope.UNIT and profile.unit_id:
        q |= Q(**{f"{owner_unit}_id": profile.unit_id})
        if unit:
            q |= Q(**{f"{unit}_id": profile.unit_id})
    elif unit and profile.unit_id:
        # Own / subordinates: a unit's own records are visible to its members.
        q |= Q(**{f"{unit}_id": profile.unit_id})
    return q


def company_id_of(user) -> int | None:
    employee = getattr(user, "employee", None) if user is not None else None
    return employee.company_id if employee is not None else None


def company_q(user, path: str = "company_id") -> Q:
    """Records of the user's own company; a superuser without an employee record sees every
    company. Combine with visible_q: scopes are about people, this is about tenants."""
    company_id = company_id_of(user)
    if company_id is None:
        profile = profile_of(user)
        return Q() if profile is not None and profile.is_admin else NOTHING
    return Q(**{path: company_id})


Predicate = Callable[[Any, Any], bool]
_RULES: dict[str, Predicate] = {}


def rule(name: str) -> Callable[[Predicate], Predicate]:
    """Register ``name`` (``app.verb_object``) as a permission predicate ``(user, obj) -> bool``."""

    def register(predicate: Predicate) -> Predicate:
        if name in _RULES:
            raise ValueError(f"permission rule {name!r} is registered twice")
        _RULES[name] = predicate
        return predicate

    return register


def registered_rules() -> frozenset[str]:
    return frozenset(_RULES)


def can(user, name: str, obj: Any = None) -> bool:
    if profile_of(user) is None:
        return False
    try:
        predicate = _RULES[name]
    except KeyError:
        raise LookupError(f"no permission rule named {name!r}") from None
    return bool(predicate(user, obj))


class AccessDenied(PermissionDenied):
    """A refused action. The page and API error handlers write its audit row: by then the
    service's transaction has rolled back, and the row survives."""

    def __init__(self, rule_name: str, obj: Any = None) -> None:
        super().__init__(_("You do not have permission to do this."))
        self.rule = rule_name
        self.object_label = f"{obj._meta.label_lower}:{obj.pk}" if isinstance(obj, models.Model) else ""


def require(user, name: str, obj: Any = None) -> None:
    if not can(user, name, obj):
        raise AccessDenied(name, obj)


def record_denial(request, exc: Exception) -> None:
    from salesdesk.core import audit

    details = {"path": request.path, "method": request.method}
    if isinstance(exc, AccessDenied):
        details |= {"rule": exc.rule, "object": exc.object_label}
    user = getattr(request, "user", None)
    audit.record(user, "access_denied", details=details, request=request)


def permission(name: str) -> Callable:
    """Guard a view or API operation with rule ``name`` (checked without an object) and mark it,
    so the route-coverage test can prove every route is guarded. Object-level checks happen in
    the service or selector the route calls."""

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            require(request.user, name)
            return func(request, *args, **kwargs)

        guarded.access_rule = name
        return guarded

    return decorate


def public(func: Callable) -> Callable:
    """Mark a route that anyone may open (login page, language switch, error pages)."""
    func.access_rule = "public"
    return func


def _signed_in(user, obj) -> bool:
    return True


rule("core.signed_in")(_signed_in)
rule("core.view_audit")(lambda user, obj: profile_of(user).is_admin)
