"""The bench company: one org tree and exactly N employees with realistic reporting lines.

Shape, for any N (at 10,000: 13 regions, 180 managers, 1,080 teams):

    company (director, admin)
    ├─ finance department: ~1% of N, a lead reporting to the director, staff to the lead
    └─ regions: ~sqrt(managers) of them, each with its managers
        └─ teams: a supervisor and ~8 reps; ~6 teams per manager

Every region's first manager heads it and reports to the director; the region's other managers
report to the head. All managers sit in the region unit, so the "subtree" scope of a manager covers
the whole region (770 people at 10,000), which is what a regional sales manager reads every day.
About 5% of reps have left (status "left", user inactive), so the status filter has work to do.

Rows are bulk-inserted with one shared password hash; services are not called per row, and no
history or audit rows are written (simple_history ignores bulk_create). Deterministic for a seed.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from bench.env import BenchSetupError
from bench.scale import Scale
from salesdesk.org.models import (
    CareerTrack,
    Company,
    Employee,
    EmployeeStatus,
    Level,
    OrgUnit,
    Position,
    Role,
    UnitKind,
    User,
)
from salesdesk.org.services import create_company, ensure_positions

COMPANY_NAME = "SalesDesk 基准测试有限公司"
PASSWORD = "SalesDesk-bench-2026"
# Dates are anchored here, not on today, so the same seed gives the same data on any day.
ANCHOR = date(2026, 11, 1)
SEED = 2026
BATCH_SIZE = 1000

REPS_PER_TEAM = 8
TEAMS_PER_MANAGER = 6
FINANCE_SHARE = 0.01
LEAVER_SHARE = 0.05
MIN_EMPLOYEES = 20

# Fixed sign-ins for scenarios: the director, the head of the first region, and the first team's
# supervisor and first rep (in that region). Everyone else is u<employee number>.
DIRECTOR = "bench_director"
MANAGER = "bench_manager"
SUPERVISOR = "bench_supervisor"
REP = "bench_rep"

# The earliest hire year per role; the latest hire is a few weeks before ANCHOR.
EARLIEST_HIRE = {
    Role.DIRECTOR: 2010,
    Role.ADMIN: 2015,
    Role.FINANCE: 2014,
    Role.MANAGER: 2012,
    Role.SUPERVISOR: 2015,
    Role.REP: 2018,
}
LEADERS = {Role.DIRECTOR, Role.MANAGER, Role.SUPERVISOR}


@dataclass(frozen=True)
class OrgShape:
    finance: int
    regions: int
    managers: int
    teams: int
    reps: int

    @property
    def total(self) -> int:
        # director + admin + the rest
        return 2 + self.finance + self.managers + self.teams + self.reps


def shape_for(employees: int) -> OrgShape:
    if employees < MIN_EMPLOYEES:
        raise BenchSetupError(f"the bench company needs at least {MIN_EMPLOYEES} employees")
    finance = max(2, round(employees * FINANCE_SHARE))
    sales = employees - 2 - finance
    # Per team: its supervisor, its reps and a sixth of a manager.
    teams = max(1, round(sales / (1 + REPS_PER_TEAM + 1 / TEAMS_PER_MANAGER)))
    managers = math.ceil(teams / TEAMS_PER_MANAGER)
    regions = max(1, round(math.sqrt(managers)))
    shape = OrgShape(finance, regions, managers, teams, reps=sales - teams - managers)
    assert shape.total == employees
    return shape


@dataclass
class _Person:
    role: str
    unit: OrgUnit
    manager: "_Person | None"
    hired: date
    username: str = ""
    left_on: date | None = None
    employee: Employee | None = None

    @property
    def depth(self) -> int:
        return 0 if self.manager is None else self.manager.depth + 1


def existing(scale: Scale) -> int:
    """How many bench employees the database holds (0: none, no bench company)."""
    return Employee.objects.filter(company__name=COMPANY_NAME).count()


@transaction.atomic
def build(scale: Scale) -> OrgShape:
    ensure_positions()
    shape = shape_for(scale.employees)
    rng = random.Random(SEED)
    faker = Faker("zh_CN")
    faker.seed_instance(SEED)

    root = create_company(name=COMPANY_NAME, root_unit_name="销售中心", root_code="HQ")
    finance_unit, regions, teams = _build_units(root, shape, faker)
    people = _plan_people(shape, root, finance_unit, regions, teams, rng)
    _insert_people(people, root.company, faker)
    return shape


def _build_units(
    root: OrgUnit, shape: OrgShape, faker: Faker
) -> tuple[OrgUnit, list[OrgUnit], list[OrgUnit]]:
    company = root.company
    finance = _insert_level(
        [OrgUnit(company=company, parent=root, code="FIN", name="财务部", kind=UnitKind.DEPARTMENT)]
    )[0]
    regions = _insert_level(
        [
            OrgUnit(
                company=company,
                parent=root,
                code=f"R{r + 1:03d}",
                name=f"{faker.city_name()}大区",
                kind=UnitKind.REGION,
            )
            for r in range(shape.regions)
        ]
    )
    # Teams are spread evenly over managers and managers over regions (see _plan_people), so a
    # team belongs to the region of the manager it reports to.
    team_region = [
        regions[_manager_of_team(t, shape) * shape.regions // shape.managers] for t in range(shape.teams)
    ]
    teams = _insert_level(
        [
            OrgUnit(
                company=company,
                parent=region,
                code=f"T{t + 1:05d}",
                name=f"{faker.city_name()}{t + 1}组",
                kind=UnitKind.TEAM,
            )
            for t, region in enumerate(team_region)
        ]
    )
    return finance, regions, teams


def _insert_level(units: list[OrgUnit]) -> list[OrgUnit]:
    """Insert units of one tree level; their path ends with their own id, known only after the insert."""
    for unit in units:
        unit.path, unit.depth = "", unit.parent.depth + 1
    OrgUnit.objects.bulk_create(units, batch_size=BATCH_SIZE)
    for unit in units:
        unit.path = f"{unit.parent.path}{unit.pk}/"
    OrgUnit.objects.bulk_update(units, ["path", "depth"], batch_size=BATCH_SIZE)
    return units


def _manager_of_team(team: int, shape: OrgShape) -> int:
    return team * shape.managers // shape.teams


def _hire_date(rng: random.Random, role: str) -> date:
    start = date(EARLIEST_HIRE[role], 1, 1)
    latest = ANCHOR - timedelta(days=20)
    # Weighted towards recent hires (turnover in sales is high): the mean is two thirds of the way.
    return start + timedelta(days=int(rng.triangular(0, (latest - start).days, (latest - start).days)))


def _plan_people(
    shape: OrgShape,
    root: OrgUnit,
    finance_unit: OrgUnit,
    regions: list[OrgUnit],
    teams: list[OrgUnit],
    rng: random.Random,
) -> list[_Person]:
    def person(role: str, unit: OrgUnit, manager: _Person | None, username: str = "") -> _Person:
        # Hire dates ignore the boss's: people often joined before their current supervisor.
        return _Person(role, unit, manager, _hire_date(rng, role), username)

    director = person(Role.DIRECTOR, root, None, DIRECTOR)
    people = [director, person(Role.ADMIN, root, director)]
    finance_lead = person(Role.FINANCE, finance_unit, director)
    people += [finance_lead] + [
        person(Role.FINANCE, finance_unit, finance_lead) for _ in range(shape.finance - 1)
    ]

    heads: dict[int, _Person] = {}
    managers = []
    for m in range(shape.managers):
        region = m * shape.regions // shape.managers
        head = heads.get(region)
        manager = person(Role.MANAGER, regions[region], head or director, "" if m else MANAGER)
        heads.setdefault(region, manager)
        managers.append(manager)
    supervisors = [
        person(Role.SUPERVISOR, team, managers[_manager_of_team(t, shape)], "" if t else SUPERVISOR)
        for t, team in enumerate(teams)
    ]
    # Reps go round-robin over the teams, so team sizes differ by at most one.
    reps = [
        person(Role.REP, teams[k % shape.teams], supervisors[k % shape.teams], "" if k else REP)
        for k in range(shape.reps)
    ]
    for rep in rng.sample(reps[1:], round(len(reps) * LEAVER_SHARE)):
        rep.left_on = rep.hired + timedelta(days=rng.randrange(1, (ANCHOR - rep.hired).days + 1))
    return people + managers + supervisors + reps


def _level(hired: date) -> str:
    months_in = (ANCHOR - hired).days // 30
    return Level.NEW if months_in < 12 else Level.GROWING if months_in < 36 else Level.SENIOR


def _insert_people(people: list[_Person], company: Company, faker: Faker) -> None:
    positions = {p.role: p for p in Position.objects.all()}
    password_hash = make_password(PASSWORD)
    # Employee numbers follow hire order, as HR hands them out: a region's people are spread over
    # the whole number range, like in a real company, not stored next to each other.
    by_hire = sorted(range(len(people)), key=lambda i: (people[i].hired, i))
    employee_no = {index: f"E{rank + 1:06d}" for rank, index in enumerate(by_hire)}

    users = []
    for index, p in enumerate(people):
        p.username = p.username or f"u{employee_no[index][1:]}"
        users.append(
            User(
                username=p.username,
                full_name=faker.name(),
                email=f"{p.username}@bench.salesdesk.test",
                password=password_hash,
                is_active=p.left_on is None,
                is_staff=p.role == Role.ADMIN,
                is_superuser=p.role == Role.ADMIN,
            )
        )
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)

    employees = []
    for index, (p, user) in enumerate(zip(people, users, strict=True)):
        probation_months = 6 if p.role in (Role.MANAGER, Role.DIRECTOR) else 3
        p.employee = Employee(
            user=user,
            company=company,
            employee_no=employee_no[index],
            unit=p.unit,
            position=positions[p.role],
            level=_level(p.hired),
            career_track=CareerTrack.MANAGEMENT if p.role in LEADERS else CareerTrack.EXPERT,
            phone=faker.phone_number(),
            hire_date=p.hired,
            probation_end=p.hired + timedelta(days=30 * probation_months),
            status=EmployeeStatus.LEFT if p.left_on else EmployeeStatus.ACTIVE,
            left_on=p.left_on,
        )
        employees.append(p.employee)
    # A manager's row must exist before their reports point at it: insert one reporting level at a time.
    for depth in sorted({p.depth for p in people}):
        level = [p for p in people if p.depth == depth]
        for p in level:
            p.employee.manager = p.manager.employee if p.manager else None
        Employee.objects.bulk_create([p.employee for p in level], batch_size=BATCH_SIZE)
