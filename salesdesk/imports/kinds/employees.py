"""Employees, with the org units and leaders a file implies.

A row names its unit directly (``unit``: code or name of an existing unit) or by ``region`` and
``team``. Missing regions are created under the company's root unit, missing teams under their
region; a row without a team whose ``manager`` is neither an employee nor a row of the file gets
that manager's team, and the manager is created as its supervisor (the Maven sales_teams shape:
agent, manager, regional office). New people get generated user names and unusable passwords:
they sign in after an administrator sets a password."""

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from salesdesk.core import access
from salesdesk.imports import rules
from salesdesk.imports.kinds.base import BATCH, Context, Field, Kind, People, Row, RowError, fetch_by
from salesdesk.imports.rules import Invalid
from salesdesk.org.models import CareerTrack, Employee, Level, OrgUnit, Position, Role, User

UNKNOWN_UNIT = gettext_noop("unknown org unit")
UNIT_NEEDED = gettext_noop("give the org unit, or the region")
MAY_NOT_CREATE_UNITS = gettext_noop("only directors and administrators may create org units")
MAY_NOT_MANAGE_PERSON = gettext_noop("this person is outside your scope")
MAY_NOT_ADD_TO_UNIT = gettext_noop("you may not add people to this unit")
LEADER_CREATED = gettext_noop(
    "%(name)s is neither an employee nor in the file: created as supervisor of %(team)s"
)
USERNAME_TAKEN = gettext_noop("this user name is taken")


def _fold(value: str) -> str:
    return value.strip().lower()


@dataclass
class Person:
    """One employee to create or update (a file row, or a leader the file only names)."""

    row: Row | None
    full_name: str
    employee: Employee | None = None
    values: dict[str, Any] = field(default_factory=dict)
    unit: OrgUnit | None = None
    unit_key: tuple[str, ...] = ()  # ("region", name) or ("team", region, team) for units to create
    role: str = Role.REP
    manager: Any = None  # an Employee, or the Person who manages them
    created: Employee | None = None


class EmployeeKind(Kind):
    name = "employees"
    model = Employee
    key_field = "employee_no"
    fields = (
        Field("employee_no", _("employee number"), rules.text(max_length=30)),
        Field("full_name", _("full name"), rules.text(max_length=100, required=True), required=True),
        Field("username", _("user name"), rules.text(max_length=150)),
        Field("email", _("email"), rules.email),
        Field("phone", _("phone"), rules.text(max_length=30)),
        Field("role", _("position"), rules.choice([(c, [str(label)]) for c, label in Role.choices])),
        Field("unit", _("org unit"), rules.text(max_length=100)),
        Field("region", _("region"), rules.text(max_length=100)),
        Field("team", _("team"), rules.text(max_length=100)),
        Field("manager", _("direct manager"), rules.text(max_length=150)),
        Field("level", _("level"), rules.choice([(c, [str(label)]) for c, label in Level.choices])),
        Field(
            "career_track",
            _("career track"),
            rules.choice([(c, [str(label)]) for c, label in CareerTrack.choices]),
        ),
        Field("hire_date", _("hire date"), rules.parse_date),
    )

    def key(self, values: dict[str, Any]) -> str | None:
        return values.get("employee_no") or None

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        self.people = People(ctx)
        self.root = OrgUnit.objects.get(company=ctx.company, parent__isnull=True)
        units = list(OrgUnit.objects.filter(company=ctx.company))
        self.units_by_key = {}
        for unit in units:
            self.units_by_key.setdefault(_fold(unit.code), unit)
            self.units_by_key.setdefault(_fold(unit.name), unit)
        self.regions = {_fold(u.name): u for u in units if u.parent_id == self.root.pk}
        self.teams = {(u.parent_id, _fold(u.name)): u for u in units}
        self.unit_codes = {u.code for u in units}
        self.positions = {p.role: p for p in Position.objects.all()}
        self.in_file = {_fold(r.values["full_name"]) for r in rows} | {
            _fold(r.values["employee_no"]) for r in rows if r.values.get("employee_no")
        }
        self.by_file_key: dict[str, Person] = {}
        self.leaders: dict[str, Person] = {}
        self.may_create_units = access.can(ctx.acting_user, "org.manage_units")
        wanted = [r.values.get("username") for r in rows if r.values.get("username")]
        self.taken_usernames = {
            u.lower() for u in fetch_by(User.objects.values_list("username", flat=True), "username", wanted)
        }

    # -- units -------------------------------------------------------------------------------------
    def _region(self, name: str) -> tuple[OrgUnit | None, tuple[str, ...]]:
        region = self.regions.get(_fold(name))
        return (region, ()) if region else (None, ("region", name))

    def _team(self, region_name: str, team_name: str) -> tuple[OrgUnit | None, tuple[str, ...]]:
        region, _key = self._region(region_name)
        team = self.teams.get((region.pk, _fold(team_name))) if region else None
        return (team, ()) if team else (None, ("team", region_name, team_name))

    def _place(self, ctx: Context, person: Person, values: dict[str, Any], team_name: str | None) -> None:
        if values.get("unit"):
            person.unit = self.units_by_key.get(_fold(values["unit"]))
            if person.unit is None:
                raise RowError("unit", UNKNOWN_UNIT)
        elif values.get("region"):
            if team_name:
                person.unit, person.unit_key = self._team(values["region"], team_name)
            else:
                person.unit, person.unit_key = self._region(values["region"])
            if person.unit_key and not self.may_create_units:
                raise RowError("region", MAY_NOT_CREATE_UNITS)
        elif person.employee is not None:
            person.unit = person.employee.unit
        else:
            raise RowError("unit", UNIT_NEEDED)
        if person.unit is not None and not access.can(ctx.acting_user, "org.create_employee", person.unit):
            raise RowError("unit" if values.get("unit") else "region", MAY_NOT_ADD_TO_UNIT)

    # -- rows --------------------------------------------------------------------------------------
    def build(self, ctx: Context, row: Row) -> tuple[Person, bool]:
        values = row.values
        try:
            existing = (
                self.people.by_no.get(_fold(values["employee_no"]))
                if values.get("employee_no")
                else self.people.find(values["full_name"])
            )
        except Invalid as exc:
            raise RowError("full_name", exc.reason.message) from None
        if existing is not None and existing.pk not in self.people.in_scope:
            raise RowError("employee_no" if values.get("employee_no") else "full_name", MAY_NOT_MANAGE_PERSON)
        if existing is None and values.get("username") and values["username"].lower() in self.taken_usernames:
            raise RowError("username", USERNAME_TAKEN)
        person = Person(row=row, full_name=values["full_name"], employee=existing, values=values)
        person.role = values.get("role") or (existing.position.role if existing else Role.REP)
        manager_name = values.get("manager")
        team_name = values.get("team")
        manager = None
        if manager_name:
            try:
                manager = self.people.find(manager_name)
            except Invalid as exc:
                raise RowError("manager", exc.reason.message) from None
            if manager is None and _fold(manager_name) not in self.in_file:
                team_name = team_name or f"{manager_name} 组"
                manager = self._leader(ctx, row, manager_name, values, team_name)
            elif manager is None:
                manager = ("file", _fold(manager_name))
        self._place(ctx, person, values, team_name)
        person.manager = manager
        self.by_file_key[_fold(person.full_name)] = person
        if values.get("employee_no"):
            self.by_file_key[_fold(values["employee_no"])] = person
        return person, existing is None

    def _leader(self, ctx: Context, row: Row, name: str, values: dict[str, Any], team_name: str) -> Person:
        leader = self.leaders.get(_fold(name))
        if leader is None:
            leader = Person(
                row=None, full_name=name, role=Role.SUPERVISOR, values={"hire_date": values.get("hire_date")}
            )
            self._place(ctx, leader, {"region": values.get("region"), "unit": values.get("unit")}, team_name)
            self.leaders[_fold(name)] = leader
            ctx.warn(row, "manager", LEADER_CREATED, name=name, team=team_name)
        return leader

    # -- writing -----------------------------------------------------------------------------------
    def _create_unit(self, parent: OrgUnit, name: str, kind: str) -> OrgUnit:
        base = (slugify(name).upper() or secrets.token_hex(3).upper())[:24]
        prefix = "R-" if kind == "region" else "T-"
        code, n = f"{prefix}{base}", 2
        while code in self.unit_codes:
            code, n = f"{prefix}{base}-{n}", n + 1
        self.unit_codes.add(code)
        unit = OrgUnit.objects.create(
            company=parent.company, parent=parent, name=name, code=code, kind=kind, path=""
        )
        unit.path, unit.depth = f"{parent.path}{unit.pk}/", parent.depth + 1
        unit.save(update_fields=["path", "depth"])
        return unit

    def _resolve_unit(self, person: Person) -> None:
        if person.unit is not None or not person.unit_key:
            return
        region_name = person.unit_key[1]
        region = self.regions.get(_fold(region_name))
        if region is None:
            region = self.regions[_fold(region_name)] = self._create_unit(self.root, region_name, "region")
        if person.unit_key[0] == "region":
            person.unit = region
            return
        team_name = person.unit_key[2]
        team = self.teams.get((region.pk, _fold(team_name)))
        if team is None:
            team = self.teams[(region.pk, _fold(team_name))] = self._create_unit(region, team_name, "team")
        person.unit = team

    def _username(self, person: Person) -> str:
        wanted = person.values.get("username")
        if wanted:
            return wanted
        base = slugify(person.full_name).replace("-", ".")[:140] or f"emp.{secrets.token_hex(4)}"
        name, n = base, 2
        while name.lower() in self.taken_usernames:
            name, n = f"{base}{n}", n + 1
        return name

    def write(self, ctx: Context, created: list, updated: list) -> None:
        people = [*self.leaders.values(), *created, *updated]
        for person in people:
            self._resolve_unit(person)
        new_people = [*self.leaders.values(), *created]
        candidates = []
        for person in new_people:
            base = slugify(person.full_name).replace("-", ".")[:140]
            candidates += [base, *(f"{base}{n}" for n in range(2, 10))]
        self.taken_usernames |= {
            u.lower()
            for u in fetch_by(User.objects.values_list("username", flat=True), "username", candidates)
        }
        users = []
        for person in new_people:
            username = self._username(person)
            self.taken_usernames.add(username.lower())
            users.append(
                User(
                    username=username,
                    full_name=person.full_name,
                    email=person.values.get("email") or "",
                    password=make_password(None),
                )
            )
        User.objects.bulk_create(users, batch_size=BATCH)
        taken_numbers = set(self.people.by_no)
        employees = []
        for person, user in zip(new_people, users, strict=True):
            number, n = person.values.get("employee_no") or user.username[:30], 2
            while not person.values.get("employee_no") and number.lower() in taken_numbers:
                number, n = f"{user.username[:26]}-{n}", n + 1
            taken_numbers.add(number.lower())
            person.created = Employee(
                user=user,
                company=ctx.company,
                employee_no=number,
                unit=person.unit,
                position=self.positions[person.role],
                level=person.values.get("level") or Level.NEW,
                career_track=person.values.get("career_track") or CareerTrack.EXPERT,
                phone=person.values.get("phone") or "",
                hire_date=person.values.get("hire_date") or ctx.today,
                updated_by=ctx.acting_user,
            )
            employees.append(person.created)
        bulk_create_with_history(
            employees,
            Employee,
            batch_size=BATCH,
            default_user=ctx.acting_user,
            default_change_reason=ctx.change_reason,
            default_date=ctx.now,
        )
        changed_users, changed = [], []
        for person in updated:
            employee, values = person.employee, person.values
            employee.unit, employee.position = person.unit, self.positions[person.role]
            for name in ("level", "career_track", "phone", "hire_date"):
                if values.get(name) is not None:
                    setattr(employee, name, values[name])
            employee.user.full_name = person.full_name
            if values.get("email"):
                employee.user.email = values["email"]
            employee.version += 1
            employee.updated_by, employee.updated_at = ctx.acting_user, ctx.now
            changed_users.append(employee.user)
            changed.append(employee)
        for person in people:
            target = person.created or person.employee
            manager = person.manager
            if isinstance(manager, tuple):
                manager = self.by_file_key.get(manager[1])  # None when that row was bad (--partial)
            if isinstance(manager, Person):
                manager = manager.created or manager.employee
            target.manager = manager if manager is not None else target.manager
        User.objects.bulk_update(changed_users, ["full_name", "email"], batch_size=BATCH)
        Employee.objects.bulk_update(employees, ["manager"], batch_size=BATCH)
        if changed:
            bulk_update_with_history(
                changed,
                Employee,
                [
                    "unit",
                    "position",
                    "manager",
                    "level",
                    "career_track",
                    "phone",
                    "hire_date",
                    "version",
                    "updated_by",
                    "updated_at",
                ],
                batch_size=BATCH,
                default_user=ctx.acting_user,
                default_change_reason=ctx.change_reason,
                default_date=ctx.now,
            )
        ctx.stats["leaders_created"] = len(self.leaders)
