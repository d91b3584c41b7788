"""Every change to the organisation: one transaction each, permission first, audit last."""

import secrets
from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.org import rules
from salesdesk.org.models import (
    DEFAULT_SCOPES,
    ApiToken,
    Company,
    Delegation,
    Employee,
    OrgUnit,
    Position,
    Role,
    User,
)
from salesdesk.org.selectors import managers_above

EDITABLE_EMPLOYEE_FIELDS = frozenset(
    {
        "full_name",
        "email",
        "phone",
        "unit",
        "position",
        "manager",
        "level",
        "career_track",
        "hire_date",
        "probation_end",
        "status",
        "left_on",
    }
)


def _check_manager(employee: Employee | None, manager: Employee | None, company: Company) -> None:
    if manager is None:
        return
    if manager.company_id != company.pk:
        raise BusinessRuleViolation(_("The manager works for another company."), details={"field": "manager"})
    if employee is not None and (manager.pk == employee.pk or employee.pk in managers_above(manager.pk)):
        raise BusinessRuleViolation(
            _("%(manager)s reports to %(employee)s, so cannot be their manager.")
            % {"manager": manager, "employee": employee},
            details={"field": "manager"},
        )


def _raise_problems(problems: dict[str, str]) -> None:
    if problems:
        raise BusinessRuleViolation(" ".join(problems.values()), details={"fields": problems})


@transaction.atomic
def create_employee(
    *,
    acting_user: User,
    username: str,
    full_name: str,
    password: str,
    unit: OrgUnit,
    position: Position,
    employee_no: str,
    hire_date: date,
    email: str = "",
    phone: str = "",
    manager: Employee | None = None,
    level: str = "new",
    career_track: str = "expert",
    probation_end: date | None = None,
) -> Employee:
    access.require(acting_user, "org.create_employee", unit)
    _raise_problems(
        rules.employee_problems(
            hire_date=hire_date, probation_end=probation_end, status="active", left_on=None
        )
    )
    if User.objects.filter(username__iexact=username).exists():
        raise BusinessRuleViolation(
            _("The user name %(name)s is taken.") % {"name": username}, details={"field": "username"}
        )
    if Employee.objects.filter(company=unit.company, employee_no=employee_no).exists():
        raise BusinessRuleViolation(
            _("Employee number %(no)s is taken.") % {"no": employee_no}, details={"field": "employee_no"}
        )
    _check_manager(None, manager, unit.company)
    user = User(username=username, full_name=full_name, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise BusinessRuleViolation(" ".join(exc.messages), details={"field": "password"}) from exc
    user.set_password(password)
    user.save()
    employee = Employee.objects.create(
        user=user,
        company=unit.company,
        employee_no=employee_no,
        unit=unit,
        position=position,
        manager=manager,
        level=level,
        career_track=career_track,
        phone=phone,
        hire_date=hire_date,
        probation_end=probation_end,
        updated_by=acting_user,
    )
    audit.record(acting_user, "employee_created", employee)
    return employee


@transaction.atomic
def update_employee(
    *, acting_user: User, employee: Employee, expected_version: int, changes: dict[str, Any]
) -> Employee:
    access.require(acting_user, "org.change_employee", employee)
    unknown = set(changes) - EDITABLE_EMPLOYEE_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    if "unit" in changes and not access.can(acting_user, "org.create_employee", changes["unit"]):
        raise BusinessRuleViolation(_("You cannot move people into that unit."), details={"field": "unit"})
    claim_version(employee, expected_version=expected_version, acting_user=acting_user)
    user_changes = {
        k: v for k, v in changes.items() if k in ("full_name", "email") and getattr(employee.user, k) != v
    }
    changes = {
        k: v for k, v in changes.items() if k not in ("full_name", "email") and getattr(employee, k) != v
    }
    for field, value in changes.items():
        setattr(employee, field, value)
    _raise_problems(
        rules.employee_problems(
            hire_date=employee.hire_date,
            probation_end=employee.probation_end,
            status=employee.status,
            left_on=employee.left_on,
        )
    )
    _check_manager(employee, employee.manager, employee.company)
    employee.save()
    if user_changes:
        for field, value in user_changes.items():
            setattr(employee.user, field, value)
        employee.user.save(update_fields=list(user_changes))
    if employee.status == "left" and employee.user.is_active:
        employee.user.is_active = False
        employee.user.save(update_fields=["is_active"])
    audit.record(
        acting_user, "employee_updated", employee, details={"fields": sorted([*changes, *user_changes])}
    )
    return employee


@transaction.atomic
def update_own_profile(
    *, acting_user: User, full_name: str, email: str, phone: str, preferred_language: str
) -> User:
    access.require(acting_user, "org.edit_own_profile")
    acting_user.full_name = full_name
    acting_user.email = email
    acting_user.preferred_language = preferred_language
    acting_user.save(update_fields=["full_name", "email", "preferred_language"])
    Employee.objects.filter(user=acting_user).update(phone=phone)
    audit.record(acting_user, "profile_updated", acting_user)
    return acting_user


@transaction.atomic
def create_unit(*, acting_user: User, parent: OrgUnit, name: str, code: str, kind: str) -> OrgUnit:
    access.require(acting_user, "org.manage_units", parent)
    if OrgUnit.objects.filter(company=parent.company, code=code).exists():
        raise BusinessRuleViolation(
            _("Unit code %(code)s is taken.") % {"code": code}, details={"field": "code"}
        )
    unit = OrgUnit.objects.create(
        company=parent.company, parent=parent, name=name, code=code, kind=kind, path=""
    )
    unit.path = f"{parent.path}{unit.pk}/"
    unit.depth = parent.depth + 1
    unit.save(update_fields=["path", "depth"])
    audit.record(acting_user, "unit_created", unit)
    return unit


@transaction.atomic
def create_company(*, name: str, root_unit_name: str, root_code: str, currency: str = "CNY") -> OrgUnit:
    """Set up a company and its root unit (run by setup commands, before anyone can sign in)."""
    company = Company.objects.create(name=name, currency=currency)
    root = OrgUnit.objects.create(
        company=company, name=root_unit_name, code=root_code, kind="company", path=""
    )
    root.path = f"/{root.pk}/"
    root.save(update_fields=["path"])
    return root


POSITION_RANKS = {
    Role.ADMIN: 60,
    Role.DIRECTOR: 50,
    Role.MANAGER: 40,
    Role.SUPERVISOR: 30,
    Role.FINANCE: 20,
    Role.REP: 10,
}


def ensure_positions() -> None:
    """Create the six positions with their default data scopes; existing ones keep their settings.
    Runs after every migrate, so a new installation has them."""
    for role, scope in DEFAULT_SCOPES.items():
        Position.objects.get_or_create(
            role=role, defaults={"data_scope": scope, "rank": POSITION_RANKS[role]}
        )


@transaction.atomic
def configure_position(*, acting_user: User, position: Position, data_scope: str) -> Position:
    access.require(acting_user, "org.configure_positions", position)
    before = position.data_scope
    position.data_scope = data_scope
    position.save(update_fields=["data_scope"])
    audit.record(acting_user, "position_scope_changed", position, details={"from": before, "to": data_scope})
    return position


@transaction.atomic
def delegate_work(
    *,
    acting_user: User,
    delegator: Employee,
    delegate: Employee,
    starts_on: date,
    ends_on: date,
    reason: str,
    today: date | None = None,
) -> Delegation:
    today = today or timezone.localdate()
    granter = Employee.objects.filter(user=acting_user).first()
    if granter is None and not access.profile_of(acting_user).is_admin:
        raise BusinessRuleViolation(_("Only employees can hand work over."))
    delegation = Delegation(
        delegator=delegator,
        delegate=delegate,
        granted_by=granter or delegator.manager or delegator,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
    )
    access.require(acting_user, "org.delegate_work", delegation)
    _raise_problems(
        rules.delegation_problems(
            starts_on=starts_on, ends_on=ends_on, today=today, same_person=delegator.pk == delegate.pk
        )
    )
    if delegate.status != "active" or delegator.status != "active":
        raise BusinessRuleViolation(_("Both people must be active employees."))
    overlapping = Delegation.objects.filter(
        delegator=delegator, revoked_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if overlapping.exists():
        raise BusinessRuleViolation(
            _("%(person)s's work is already handed over for part of these dates.") % {"person": delegator},
            details={"field": "starts_on"},
        )
    delegation.save()
    audit.record(acting_user, "work_delegated", delegation)
    return delegation


@transaction.atomic
def revoke_delegation(*, acting_user: User, delegation: Delegation) -> Delegation:
    access.require(acting_user, "org.revoke_delegation", delegation)
    if delegation.revoked_at is not None:
        raise BusinessRuleViolation(_("This delegation was already revoked."))
    if delegation.ends_on < timezone.localdate():
        raise BusinessRuleViolation(_("This delegation is already over."))
    delegation.revoked_at = timezone.now()
    delegation.revoked_by = acting_user
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(acting_user, "delegation_revoked", delegation)
    return delegation


TOKEN_PREFIX = "sd_"


@transaction.atomic
def create_api_token(*, acting_user: User, name: str, expires_on: date | None = None) -> tuple[ApiToken, str]:
    """Returns the token row and the secret key, which is never stored and never shown again."""
    access.require(acting_user, "org.manage_own_tokens")
    if expires_on is not None and expires_on <= timezone.localdate():
        raise BusinessRuleViolation(
            _("The expiry date must be in the future."), details={"field": "expires_on"}
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=acting_user, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key), expires_on=expires_on
    )
    audit.record(acting_user, "api_token_created", token)
    return token, key


@transaction.atomic
def revoke_api_token(*, acting_user: User, token: ApiToken) -> ApiToken:
    access.require(acting_user, "org.manage_own_tokens", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(acting_user, "api_token_revoked", token)
    return token


def authenticate_api_token(*, key: str) -> User | None:
    """The active user a token belongs to, or None; notes when it was last used (at most once a minute)."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_on is not None and token.expires_on < timezone.localdate()):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
