"""Reads about the organisation, scoped by core.access."""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core.access import AccessProfile, DataScope
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.org.models import Company, Delegation, Employee, OrgUnit, Position, Role, User


def company_of(user: User) -> Company:
    """The company a user works for: new records belong to it."""
    employee = getattr(user, "employee", None)
    if employee is None:
        raise BusinessRuleViolation(_("Only employees of a company can add records."))
    return employee.company


def _reports_below(employee_id: int) -> frozenset[int]:
    """User ids of everyone below ``employee_id`` in the reporting tree, in one recursive query."""
    table = Employee._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE tree(id, user_id) AS (
                SELECT id, user_id FROM {table} WHERE manager_id = %s
                UNION
                SELECT e.id, e.user_id FROM {table} e JOIN tree t ON e.manager_id = t.id
            )
            SELECT user_id FROM tree
            """,
            [employee_id],
        )
        return frozenset(row[0] for row in cursor.fetchall())


def managers_above(employee_id: int) -> frozenset[int]:
    """Employee ids of the whole reporting line above ``employee_id``, in one recursive query."""
    table = Employee._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE line(id, manager_id) AS (
                SELECT id, manager_id FROM {table} WHERE id = %s
                UNION
                SELECT e.id, e.manager_id FROM {table} e JOIN line l ON e.id = l.manager_id
            )
            SELECT id FROM line WHERE id <> %s
            """,
            [employee_id, employee_id],
        )
        return frozenset(row[0] for row in cursor.fetchall())


def access_profile_for(user: User) -> AccessProfile:
    employee = Employee.objects.select_related("unit", "position").filter(user=user).first()
    if employee is None:
        scope = DataScope.ALL if user.is_superuser else DataScope.OWN
        return AccessProfile(user_id=user.pk, scope=scope, is_admin=user.is_superuser)
    if employee.status != "active":
        return AccessProfile(user_id=user.pk, scope=DataScope.OWN, role=employee.position.role)
    scope = DataScope(employee.position.data_scope)
    subordinates = _reports_below(employee.pk) if scope == DataScope.SUBORDINATES else frozenset()
    delegators = frozenset(
        Delegation.objects.active_on(timezone.localdate())
        .filter(delegate=employee)
        .values_list("delegator__user_id", flat=True)
    )
    return AccessProfile(
        user_id=user.pk,
        scope=scope,
        role=employee.position.role,
        unit_id=employee.unit_id,
        unit_path=employee.unit.path,
        subordinate_user_ids=subordinates,
        delegator_user_ids=delegators,
        is_admin=user.is_superuser or employee.position.role == Role.ADMIN,
    )


@dataclass(frozen=True)
class EmployeeFilters:
    q: str = ""
    unit: int | None = None
    include_subunits: bool = True
    role: str = ""
    level: str = ""
    status: str = ""


def employee_list(user: User, filters: EmployeeFilters = EmployeeFilters()) -> QuerySet[Employee]:
    employees = Employee.objects.visible_to(user).select_related("user", "unit", "position")
    if filters.q:
        employees = employees.filter(
            Q(user__full_name__icontains=filters.q)
            | Q(user__username__icontains=filters.q)
            | Q(employee_no__icontains=filters.q)
            | Q(phone__icontains=filters.q)
        )
    if filters.unit:
        if filters.include_subunits:
            path = OrgUnit.objects.filter(pk=filters.unit).values("path")[:1]
            employees = employees.filter(unit__path__startswith=path)
        else:
            employees = employees.filter(unit_id=filters.unit)
    if filters.role:
        employees = employees.filter(position__role=filters.role)
    if filters.level:
        employees = employees.filter(level=filters.level)
    if filters.status:
        employees = employees.filter(status=filters.status)
    return employees.order_by("employee_no", "id")


# The columns of an employee row in lists and the API, read with .values(): building model
# objects for six joined tables costs more than the query itself on a page of 50.
EMPLOYEE_ROW_COLUMNS = {
    "id": "id",
    "employee_no": "employee_no",
    "user_id": "user_id",
    "username": "user__username",
    "full_name": "user__full_name",
    "email": "user__email",
    "unit_id": "unit_id",
    "unit_name": "unit__name",
    "role": "position__role",
    "manager_id": "manager_id",
    "level": "level",
    "career_track": "career_track",
    "phone": "phone",
    "hire_date": "hire_date",
    "probation_end": "probation_end",
    "status": "status",
    "left_on": "left_on",
    "version": "version",
    "updated_at": "updated_at",
}


def employee_rows(employees: QuerySet[Employee]) -> QuerySet:
    """The same employees as flat rows (one dict each), for the API."""
    direct = [name for name, column in EMPLOYEE_ROW_COLUMNS.items() if name == column]
    joined = {name: F(column) for name, column in EMPLOYEE_ROW_COLUMNS.items() if name != column}
    return employees.values(*direct, **joined)


def employee_detail_queryset(user: User) -> QuerySet[Employee]:
    return Employee.objects.visible_to(user).select_related(
        "user", "unit", "position", "manager__user", "updated_by"
    )


def units(user: User) -> QuerySet[OrgUnit]:
    """The org structure of the user's company: every employee may see how the company is organised;
    who is in it is scoped (see employee_list)."""
    company_id = Employee.objects.filter(user=user).values("company_id")[:1]
    base = OrgUnit.objects.all() if user.is_superuser else OrgUnit.objects.filter(company_id=company_id)
    return base.annotate(headcount=Count("employees", filter=Q(employees__status="active"))).order_by("path")


@dataclass
class ChartNode:
    unit: OrgUnit
    members: list[Employee]
    children: list["ChartNode"]


def org_chart(user: User) -> list[ChartNode]:
    """The unit tree with the members the user may see: two queries whatever the size."""
    nodes = {unit.pk: ChartNode(unit, [], []) for unit in units(user)}
    for employee in (
        Employee.objects.visible_to(user)
        .active()
        .select_related("user", "position")
        .order_by("-position__rank", "employee_no")
    ):
        if employee.unit_id in nodes:
            nodes[employee.unit_id].members.append(employee)
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def delegations(user: User) -> QuerySet[Delegation]:
    return Delegation.objects.visible_to(user).select_related(
        "delegator__user", "delegate__user", "granted_by__user", "revoked_by"
    )


def delegations_touching(user: User, today: date) -> QuerySet[Delegation]:
    """Current and coming delegations the user gives, receives or granted (for the home page)."""
    return (
        delegations(user)
        .filter(Q(delegator__user=user) | Q(delegate__user=user) | Q(granted_by__user=user))
        .filter(ends_on__gte=today, revoked_at__isnull=True)
    )


def delegation_candidates(user: User) -> QuerySet[Employee]:
    """Whom the user may hand work from or to: their own reports, all the way down."""
    employee = Employee.objects.filter(user=user).first()
    if employee is None:
        return Employee.objects.none()
    below = _reports_below(employee.pk)
    return Employee.objects.active().filter(user_id__in=below).select_related("user").order_by("employee_no")


def positions() -> QuerySet[Position]:
    return Position.objects.all()
