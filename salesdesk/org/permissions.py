"""Who may do what with the organisation. Each rule is a predicate (user, obj) registered with
core.access; services call access.require() with these names, routes declare them."""

from salesdesk.core import access
from salesdesk.core.access import profile_of
from salesdesk.org.models import Role

LEADERS = {Role.SUPERVISOR, Role.MANAGER, Role.DIRECTOR, Role.ADMIN}
PEOPLE_MANAGERS = {Role.MANAGER, Role.DIRECTOR, Role.ADMIN}


def _role(user) -> str:
    profile = profile_of(user)
    return Role.ADMIN if profile.is_admin else profile.role


def _in_subtree(user, unit) -> bool:
    return bool(profile_of(user).unit_path) and unit.path.startswith(profile_of(user).unit_path)


@access.rule("org.view_org")
def can_view_org(user, obj) -> bool:
    return True


@access.rule("org.change_employee")
def can_change_employee(user, employee) -> bool:
    """Directors and admins edit anyone; a manager edits the people of their unit subtree, never
    their own record (their own level, position and manager are their superior's decision)."""
    role = _role(user)
    if employee is None:
        return role in PEOPLE_MANAGERS
    if role in {Role.ADMIN, Role.DIRECTOR}:
        return True
    return role == Role.MANAGER and employee.user_id != user.pk and _in_subtree(user, employee.unit)


@access.rule("org.create_employee")
def can_create_employee(user, unit) -> bool:
    role = _role(user)
    if unit is None or role in {Role.ADMIN, Role.DIRECTOR}:
        return role in PEOPLE_MANAGERS
    return role == Role.MANAGER and _in_subtree(user, unit)


@access.rule("org.manage_units")
def can_manage_units(user, obj) -> bool:
    return _role(user) in {Role.ADMIN, Role.DIRECTOR}


@access.rule("org.configure_positions")
def can_configure_positions(user, obj) -> bool:
    return _role(user) == Role.ADMIN


@access.rule("org.delegate_work")
def can_delegate_work(user, delegation) -> bool:
    """Leaders may hand a subordinate's work to another subordinate: both must sit below the
    granting person in the reporting line (admins may arrange any delegation)."""
    role = _role(user)
    if delegation is None:
        return role in LEADERS
    if role == Role.ADMIN:
        return True
    from salesdesk.org.selectors import managers_above

    granter = delegation.granted_by_id
    return (
        role in LEADERS
        and granter in managers_above(delegation.delegator_id)
        and granter in managers_above(delegation.delegate_id)
    )


@access.rule("org.revoke_delegation")
def can_revoke_delegation(user, delegation) -> bool:
    if delegation is None:
        return _role(user) in LEADERS
    if _role(user) == Role.ADMIN or delegation.granted_by.user_id == user.pk:
        return True
    from salesdesk.org.selectors import managers_above

    me = getattr(user, "employee", None)
    return me is not None and me.pk in managers_above(delegation.delegator_id)


@access.rule("org.manage_own_tokens")
def can_manage_own_tokens(user, token) -> bool:
    return token is None or token.user_id == user.pk


@access.rule("org.edit_own_profile")
def can_edit_own_profile(user, obj) -> bool:
    return True
