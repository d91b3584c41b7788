"""Who may do what with plans, targets, proposals, adjustments and action plans.

Targets follow the org tree: a director (or admin) sets any number; a manager or supervisor splits
the targets of their own unit and below and sets the numbers below them, never their own — their
own number comes from above. Reps propose their own numbers; supervisors and managers their
unit's. Adjustments of an active plan are approved by a manager, director or admin above the
target's owner who neither owns the target nor asked for the change.
"""

from salesdesk.core import access
from salesdesk.core.access import company_id_of, profile_of

SALES_ROLES = frozenset({"rep", "supervisor", "manager", "director", "admin"})
LEADERS = frozenset({"supervisor", "manager", "director", "admin"})
APPROVERS = frozenset({"manager", "director", "admin"})
TOP = frozenset({"director", "admin"})


def role_of(user) -> str:
    profile = profile_of(user)
    return "admin" if profile.is_admin else profile.role


def _in_company(user) -> bool:
    return company_id_of(user) is not None or profile_of(user).is_admin


def _node_path(node) -> str:
    """The org-unit path a target or proposal sits at: its unit, or its employee's unit."""
    if node.owner_unit_id is not None:
        return node.owner_unit.path
    employee = getattr(node.owner_user, "employee", None)
    return employee.unit.path if employee is not None else ""


def own_unit_id(user) -> int | None:
    profile = profile_of(user)
    return profile.unit_id if profile is not None else None


def is_own(user, node) -> bool:
    profile = profile_of(user)
    return node.owner_user_id == user.pk or (
        node.owner_unit_id is not None and node.owner_unit_id == profile.unit_id
    )


def _within(user, node) -> bool:
    """The node is in the user's own unit subtree (their unit included)."""
    profile = profile_of(user)
    return bool(profile.unit_path) and _node_path(node).startswith(profile.unit_path)


def _sees(user, obj) -> bool:
    if obj.pk is None:  # a target about to be created: is its owner in the user's scope?
        return _owner_in_scope(user, obj)
    return type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()


def _owner_in_scope(user, node) -> bool:
    profile = profile_of(user)
    if node.owner_user_id is not None:
        from salesdesk.org.models import User

        scoped = access.visible_q(user, owner="pk", owner_unit="employee__unit")
        return User.objects.filter(scoped, pk=node.owner_user_id).exists()
    if profile.is_admin or profile.scope == access.DataScope.ALL:
        return True
    if profile.scope == access.DataScope.SUBTREE and profile.unit_path:
        return node.owner_unit.path.startswith(profile.unit_path)
    return node.owner_unit_id == profile.unit_id


@access.rule("planning.view_plans")
def can_view_plans(user, obj) -> bool:
    """Everyone in the company opens the planning pages; the numbers they see are scoped."""
    return _in_company(user)


@access.rule("planning.manage_plans")
def can_manage_plans(user, obj) -> bool:
    """Plan versions and seasonality templates are the director's (and the admin's)."""
    return role_of(user) in TOP and _in_company(user)


@access.rule("planning.split_target")
def can_split_target(user, target) -> bool:
    """Split a target into parts below it: the director any; a leader their own unit and below."""
    role = role_of(user)
    if role in TOP:
        return target is None or _sees(user, target)
    if role not in LEADERS - TOP:
        return False
    return target is None or (
        _sees(user, target) and (_within(user, target) or target.owner_user_id == user.pk)
    )


@access.rule("planning.set_target")
def can_set_target(user, target) -> bool:
    """Set a target's levels: the director any; a leader the numbers below them, never their own."""
    role = role_of(user)
    if role in TOP:
        return target is None or _sees(user, target)
    if role not in LEADERS:
        return False
    from salesdesk.planning.selectors import settable_owners

    return target is None or settable_owners(user).covers(target)


@access.rule("planning.propose")
def can_propose(user, node) -> bool:
    """Bottom-up: everyone in sales proposes their own number; leaders also their unit's."""
    role = role_of(user)
    if role not in SALES_ROLES:
        return False
    if node is None:
        return True
    if node.owner_user_id is not None:
        return node.owner_user_id == user.pk
    return role in LEADERS and node.owner_unit_id == profile_of(user).unit_id


@access.rule("planning.decide_proposal")
def can_decide_proposal(user, proposal) -> bool:
    """Whoever may set the number the proposal is about accepts or declines it."""
    return can_set_target(user, proposal)


@access.rule("planning.request_adjustment")
def can_request_adjustment(user, target) -> bool:
    """The owner asks to change their own number (a leader: their unit's), or someone who may
    set it proposes the change."""
    role = role_of(user)
    if role not in SALES_ROLES:
        return False
    if target is None:
        return True
    own = target.owner_user_id == user.pk or (role in LEADERS and is_own(user, target))
    return _sees(user, target) and (own or can_set_target(user, target))


@access.rule("planning.approve_adjustment")
def can_approve_adjustment(user, adjustment) -> bool:
    """Managers approve their subordinates' targets, never their own and never their own request."""
    role = role_of(user)
    if role not in APPROVERS:
        return False
    if adjustment is None:
        return True
    target = adjustment.target
    if adjustment.requested_by_id == user.pk or is_own(user, target) or not _sees(user, target):
        return False
    return role in TOP or _within(user, target)


@access.rule("planning.work_action_plan")
def can_work_action_plan(user, plan) -> bool:
    """The rep writes the plan for their own gap; their leaders may write it with them."""
    role = role_of(user)
    if role not in SALES_ROLES:
        return False
    return plan is None or plan.owner_id == user.pk or (role in LEADERS and _sees(user, plan))


@access.rule("planning.check_action_plan")
def can_check_action_plan(user, plan) -> bool:
    """A leader whose scope covers the rep checks the plan; nobody checks their own."""
    if role_of(user) not in LEADERS:
        return False
    return plan is None or (plan.owner_id != user.pk and _sees(user, plan))
