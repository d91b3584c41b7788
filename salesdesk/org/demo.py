"""The demo organisation: one company, three regions, nine teams, about 45 people.

Deterministic for a seed: the same seed gives the same people, hire dates and reporting lines.
Dates are anchored on DEMO_ANCHOR, except the demo delegation, which runs around today so the
demo always shows one in force.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from salesdesk.org.models import Company, Delegation, Employee, Level, OrgUnit, Position, Role, User
from salesdesk.org.services import create_company, ensure_positions

DEMO_COMPANY = "华瑞智能装备有限公司"
DEMO_PASSWORD = "SalesDesk-2026"
DEMO_ANCHOR = date(2026, 11, 1)

REGIONS = [
    ("EAST", "华东大区", [("SH1", "上海一组"), ("HZ", "杭州组"), ("NJ", "南京组")]),
    ("SOUTH", "华南大区", [("GZ", "广州组"), ("SZ", "深圳组"), ("FZ", "福州组")]),
    ("NORTH", "华北大区", [("BJ", "北京组"), ("TJ", "天津组"), ("JN", "济南组")]),
]
REPS_PER_TEAM = 3
# Sign-ins printed for the demo: one per role, all in 华东 / 上海一组 where roles overlap.
LOGINS = {
    Role.DIRECTOR: "director",
    Role.MANAGER: "manager",
    Role.SUPERVISOR: "supervisor",
    Role.REP: "rep",
    Role.FINANCE: "finance",
    Role.ADMIN: "admin",
}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    full_name: str
    unit: str


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.password_hash = make_password(DEMO_PASSWORD)
        self.positions = {p.role: p for p in Position.objects.all()}
        self.next_no = 1001
        self.used_usernames: set[str] = set()

    def unit(self, parent: OrgUnit, code: str, name: str, kind: str) -> OrgUnit:
        unit = OrgUnit.objects.create(
            company=parent.company,
            parent=parent,
            code=code,
            name=name,
            kind=kind,
            path="",
            depth=parent.depth + 1,
        )
        unit.path = f"{parent.path}{unit.pk}/"
        unit.save(update_fields=["path"])
        return unit

    def hire_date(self, earliest_year: int, latest: date) -> date:
        start = date(earliest_year, 1, 1)
        return start + timedelta(days=self.rng.randrange((latest - start).days))

    def person(
        self, role: str, unit: OrgUnit, manager: Employee | None, hired: date, username: str | None = None
    ) -> Employee:
        employee_no = f"E{self.next_no}"
        self.next_no += 1
        username = username or f"sd{employee_no[1:]}"
        full_name = self.faker.name()
        user = User.objects.create(
            username=username,
            full_name=full_name,
            email=f"{username}@huarui-demo.cn",
            password=self.password_hash,
            is_superuser=role == Role.ADMIN,
            is_staff=role == Role.ADMIN,
        )
        months_in = (DEMO_ANCHOR - hired).days // 30
        level = Level.NEW if months_in < 12 else Level.GROWING if months_in < 36 else Level.SENIOR
        probation_months = 6 if role in (Role.MANAGER, Role.DIRECTOR) else 3
        return Employee.objects.create(
            user=user,
            company=unit.company,
            employee_no=employee_no,
            unit=unit,
            position=self.positions[role],
            manager=manager,
            level=level,
            career_track="management" if role in (Role.SUPERVISOR, Role.MANAGER, Role.DIRECTOR) else "expert",
            phone=self.faker.phone_number(),
            hire_date=hired,
            probation_end=hired + timedelta(days=30 * probation_months),
        )


@transaction.atomic
def build_demo_org(seed: int) -> list[DemoLogin]:
    if Company.objects.filter(name=DEMO_COMPANY).exists():
        return demo_logins()
    ensure_positions()
    b = _Builder(seed)
    root = create_company(name=DEMO_COMPANY, root_unit_name="销售中心", root_code="HQ")
    director = b.person(Role.DIRECTOR, root, None, b.hire_date(2014, date(2016, 1, 1)), LOGINS[Role.DIRECTOR])
    b.person(Role.ADMIN, root, director, b.hire_date(2018, date(2020, 1, 1)), LOGINS[Role.ADMIN])
    finance_unit = b.unit(root, "FIN", "财务部", "department")
    finance_lead = b.person(
        Role.FINANCE, finance_unit, director, b.hire_date(2016, date(2019, 1, 1)), LOGINS[Role.FINANCE]
    )
    b.person(Role.FINANCE, finance_unit, finance_lead, b.hire_date(2020, date(2025, 1, 1)))

    for region_index, (region_code, region_name, teams) in enumerate(REGIONS):
        region = b.unit(root, region_code, region_name, "region")
        first = region_index == 0
        manager = b.person(
            Role.MANAGER,
            region,
            director,
            b.hire_date(2016, date(2020, 1, 1)),
            LOGINS[Role.MANAGER] if first else None,
        )
        for team_index, (team_code, team_name) in enumerate(teams):
            team = b.unit(region, team_code, team_name, "team")
            lead_team = first and team_index == 0
            supervisor = b.person(
                Role.SUPERVISOR,
                team,
                manager,
                b.hire_date(2018, date(2023, 1, 1)),
                LOGINS[Role.SUPERVISOR] if lead_team else None,
            )
            for rep_index in range(REPS_PER_TEAM):
                b.person(
                    Role.REP,
                    team,
                    supervisor,
                    b.hire_date(2019, DEMO_ANCHOR - timedelta(days=20)),
                    LOGINS[Role.REP] if lead_team and rep_index == 0 else None,
                )
            if team_index == 1:
                # A former rep per region: people leave, and their history stays.
                leaver = b.person(Role.REP, team, supervisor, b.hire_date(2019, date(2023, 1, 1)))
                leaver.status, leaver.left_on = "left", date(2025, b.rng.randint(1, 12), 28)
                leaver.save(update_fields=["status", "left_on"])
                User.objects.filter(pk=leaver.user_id).update(is_active=False)

    # 上海一组: one rep is on leave and the supervisor handed their work to a teammate.
    team = OrgUnit.objects.get(company=root.company, code="SH1")
    supervisor = Employee.objects.get(user__username=LOGINS[Role.SUPERVISOR])
    absent, stand_in = Employee.objects.filter(unit=team, position__role=Role.REP).exclude(
        user__username=LOGINS[Role.REP]
    )[:2]
    today = timezone.localdate()
    Delegation.objects.create(
        delegator=absent,
        delegate=stand_in,
        granted_by=supervisor,
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=11),
        reason="婚假",
    )
    return demo_logins()


def demo_logins() -> list[DemoLogin]:
    employees = Employee.objects.select_related("user", "unit").filter(user__username__in=LOGINS.values())
    by_username = {e.user.username: e for e in employees}
    return [
        DemoLogin(
            str(role.label), username, by_username[username].user.full_name, by_username[username].unit.name
        )
        for role, username in LOGINS.items()
        if username in by_username
    ]
