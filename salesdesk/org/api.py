"""The organisation over HTTP: parse, call a selector or service, return a schema."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import BaseModel

from salesdesk.core import selectors as core_selectors
from salesdesk.core.access import DataScope, permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema, Page, PageParams, UserRef, page_of
from salesdesk.org import selectors, services
from salesdesk.org.models import CareerTrack, EmployeeStatus, Level, Role, UnitKind

router = Router(tags=["organisation"])
ID = Path(..., ge=1, le=MAX_ID)


class UnitOut(Schema):
    id: int
    name: str
    code: str
    kind: UnitKind
    parent_id: int | None
    depth: int
    headcount: int = 0


class PositionOut(Schema):
    id: int
    role: Role
    data_scope: DataScope
    rank: int


class EmployeeOut(BaseModel):
    """Validated from the flat rows of selectors.employee_rows: a plain pydantic model, because
    ninja's Schema resolves every field through an attribute getter meant for ORM objects."""

    id: int
    employee_no: str
    user_id: int
    username: str
    full_name: str
    email: str
    unit_id: int
    unit_name: str
    role: Role
    manager_id: int | None
    level: Level
    career_track: CareerTrack
    phone: str
    hire_date: date
    probation_end: date | None
    status: EmployeeStatus
    left_on: date | None
    version: int
    updated_at: datetime


class EmployeeFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="name, user name, employee number or phone contains")
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="org unit id (with its sub-units)")
    role: Role | None = None
    level: Level | None = None
    status: EmployeeStatus | None = None


class EmployeeCreateIn(InputSchema):
    username: str = Field(..., min_length=3, max_length=150, pattern=r"^[\w.@+-]+$")
    full_name: str = Field(..., min_length=1, max_length=100)
    password: str = Field(..., min_length=1, max_length=128)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    employee_no: str = Field(..., min_length=1, max_length=30)
    unit_id: int = Field(..., ge=1, le=MAX_ID)
    role: Role
    manager_id: int | None = Field(None, ge=1, le=MAX_ID)
    level: Level = Level.NEW
    career_track: CareerTrack = CareerTrack.EXPERT
    hire_date: date
    probation_end: date | None = None


class EmployeeUpdateIn(InputSchema):
    version: int = Field(..., ge=1, le=MAX_ID, description="the version you loaded; a newer one answers 409")
    full_name: str | None = Field(None, min_length=1, max_length=100)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)
    unit_id: int | None = Field(None, ge=1, le=MAX_ID)
    role: Role | None = None
    manager_id: int | None = Field(None, ge=1, le=MAX_ID)
    level: Level | None = None
    career_track: CareerTrack | None = None
    hire_date: date | None = None
    probation_end: date | None = None
    status: EmployeeStatus | None = None
    left_on: date | None = None


class UnitCreateIn(InputSchema):
    parent_id: int = Field(..., ge=1, le=MAX_ID)
    name: str = Field(..., min_length=1, max_length=100)
    code: str = Field(..., min_length=1, max_length=30)
    kind: UnitKind


class PositionUpdateIn(InputSchema):
    data_scope: DataScope


class DelegationOut(Schema):
    id: int
    delegator_id: int
    delegator: str
    delegate_id: int
    delegate: str
    granted_by_id: int
    starts_on: date
    ends_on: date
    reason: str
    revoked_at: datetime | None
    status: str

    @staticmethod
    def resolve_delegator(obj) -> str:
        return str(obj.delegator)

    @staticmethod
    def resolve_delegate(obj) -> str:
        return str(obj.delegate)

    @staticmethod
    def resolve_status(obj) -> str:
        from django.utils import timezone

        return obj.status_on(timezone.localdate())


class DelegationIn(InputSchema):
    delegator_id: int = Field(..., ge=1, le=MAX_ID, description="the employee whose work is handed over")
    delegate_id: int = Field(..., ge=1, le=MAX_ID, description="the employee who takes it over")
    starts_on: date
    ends_on: date
    reason: str = Field(..., min_length=1, max_length=200)


class MeOut(Schema):
    user: UserRef
    employee_id: int | None
    role: str
    data_scope: DataScope
    unit_id: int | None
    language: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_on: date | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    key: str = Field(..., description="shown once; store it now")


class TokenIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    expires_on: date | None = None


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    ip_address: str | None
    details: dict


class AuditFilterIn(InputSchema):
    action: str = Field("", max_length=64)


def _employee(request, employee_id: int):
    return get_object_or_404(selectors.employee_detail_queryset(request.user), pk=employee_id)


def _unit(request, unit_id: int):
    return get_object_or_404(selectors.units(request.user), pk=unit_id)


def _position(role: str):
    return get_object_or_404(selectors.positions(), role=role)


@router.get("/me", response={200: MeOut, **ERRORS}, tags=["me"])
@permission("core.signed_in")
def me(request):
    profile = request.user.access_profile
    employee = getattr(request.user, "employee", None)
    return {
        "user": request.user,
        "employee_id": employee.pk if employee else None,
        "role": profile.role or ("admin" if profile.is_admin else ""),
        "data_scope": profile.scope,
        "unit_id": profile.unit_id,
        "language": request.LANGUAGE_CODE,
    }


@router.get("/org/units", response={200: list[UnitOut], **ERRORS})
@permission("org.view_org")
def list_units(request):
    return list(selectors.units(request.user))


@router.post("/org/units", response={201: UnitOut, **WRITE_ERRORS})
@permission("org.manage_units")
def create_unit(request, payload: UnitCreateIn):
    parent = _unit(request, payload.parent_id)
    unit = services.create_unit(
        acting_user=request.user, parent=parent, name=payload.name, code=payload.code, kind=payload.kind
    )
    return Status(201, unit)


@router.get("/org/positions", response={200: list[PositionOut], **ERRORS})
@permission("org.view_org")
def list_positions(request):
    return list(selectors.positions())


@router.patch("/org/positions/{position_id}", response={200: PositionOut, **WRITE_ERRORS})
@permission("org.configure_positions")
def configure_position(request, payload: PositionUpdateIn, position_id: int = ID):
    position = get_object_or_404(selectors.positions(), pk=position_id)
    return services.configure_position(
        acting_user=request.user, position=position, data_scope=payload.data_scope
    )


@router.get("/org/employees", response={200: Page[EmployeeOut], **ERRORS})
@permission("org.view_org")
def list_employees(request, filters: Query[EmployeeFilterIn], paging: Query[PageParams]):
    employees = selectors.employee_list(
        request.user,
        selectors.EmployeeFilters(
            q=filters.q,
            unit=filters.unit,
            role=filters.role or "",
            level=filters.level or "",
            status=filters.status or "",
        ),
    )
    return page_of(selectors.employee_rows(employees), paging)


def _employee_row(request, employee_id: int) -> dict:
    return get_object_or_404(
        selectors.employee_rows(selectors.employee_detail_queryset(request.user)), id=employee_id
    )


@router.get("/org/employees/{employee_id}", response={200: EmployeeOut, **ERRORS})
@permission("org.view_org")
def get_employee(request, employee_id: int = ID):
    return _employee_row(request, employee_id)


@router.post("/org/employees", response={201: EmployeeOut, **WRITE_ERRORS})
@permission("org.create_employee")
def create_employee(request, payload: EmployeeCreateIn):
    employee = services.create_employee(
        acting_user=request.user,
        username=payload.username,
        full_name=payload.full_name,
        password=payload.password,
        email=payload.email,
        phone=payload.phone,
        employee_no=payload.employee_no,
        unit=_unit(request, payload.unit_id),
        position=_position(payload.role),
        manager=_employee(request, payload.manager_id) if payload.manager_id else None,
        level=payload.level,
        career_track=payload.career_track,
        hire_date=payload.hire_date,
        probation_end=payload.probation_end,
    )
    return Status(201, _employee_row(request, employee.pk))


@router.patch("/org/employees/{employee_id}", response={200: EmployeeOut, **WRITE_ERRORS})
@permission("org.view_org")
def update_employee(request, payload: EmployeeUpdateIn, employee_id: int = ID):
    employee = _employee(request, employee_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    if "unit_id" in data:
        data["unit"] = _unit(request, data.pop("unit_id"))
    if "role" in data:
        data["position"] = _position(data.pop("role"))
    if "manager_id" in data:
        manager_id = data.pop("manager_id")
        data["manager"] = _employee(request, manager_id) if manager_id else None
    services.update_employee(
        acting_user=request.user, employee=employee, expected_version=version, changes=data
    )
    return _employee_row(request, employee.pk)


@router.get("/org/delegations", response={200: Page[DelegationOut], **ERRORS})
@permission("org.view_org")
def list_delegations(request, paging: Query[PageParams]):
    return page_of(selectors.delegations(request.user), paging)


@router.post("/org/delegations", response={201: DelegationOut, **WRITE_ERRORS})
@permission("org.delegate_work")
def create_delegation(request, payload: DelegationIn):
    delegation = services.delegate_work(
        acting_user=request.user,
        delegator=_employee(request, payload.delegator_id),
        delegate=_employee(request, payload.delegate_id),
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        reason=payload.reason,
    )
    return Status(201, delegation)


@router.post("/org/delegations/{delegation_id}/revoke", response={200: DelegationOut, **WRITE_ERRORS})
@permission("org.revoke_delegation")
def revoke_delegation(request, delegation_id: int = ID):
    delegation = get_object_or_404(selectors.delegations(request.user), pk=delegation_id)
    return services.revoke_delegation(acting_user=request.user, delegation=delegation)


@router.get("/me/tokens", response={200: list[TokenOut], **ERRORS}, tags=["me"])
@permission("org.manage_own_tokens")
def list_tokens(request):
    return list(request.user.api_tokens.all())


@router.post("/me/tokens", response={201: TokenCreatedOut, **WRITE_ERRORS}, tags=["me"])
@permission("org.manage_own_tokens")
def create_token(request, payload: TokenIn):
    token, key = services.create_api_token(
        acting_user=request.user, name=payload.name, expires_on=payload.expires_on
    )
    token.key = key
    return Status(201, token)


@router.delete("/me/tokens/{token_id}", response={200: TokenOut, **WRITE_ERRORS}, tags=["me"])
@permission("org.manage_own_tokens")
def revoke_token(request, token_id: int = ID):
    token = get_object_or_404(request.user.api_tokens.all(), pk=token_id)
    return services.revoke_api_token(acting_user=request.user, token=token)


@router.get("/audit-events", response={200: Page[AuditEventOut], **ERRORS}, tags=["audit"])
@permission("core.view_audit")
def list_audit_events(request, filters: Query[AuditFilterIn], paging: Query[PageParams]):
    events = core_selectors.audit_events(request.user)
    if filters.action:
        events = events.filter(action=filters.action)
    return page_of(events, paging)
