"""The full demo: the demo organisation (salesdesk.org.demo), then its sales history — about 2,000
customers with contacts, a catalogue of industrial equipment, two years of leads and deals before
DEMO_ANCHOR, visits, and customers sliding into the public pool — and the lead-to-cash trail of the
won deals (salesdesk.orders.demo: quotes, contracts, orders and shipments; salesdesk.receivables
.demo and .demo_aging: credit profiles, collection plans, invoices, payments, dunning, bad debts).

This module sits above every app (it imports customers, products and pipeline), so the org app's
``seed_demo`` command loads it lazily. Deterministic for a seed: the same seed gives the same rows.
Rows are bulk-inserted in one pass (no per-row services, no history rows); stages, loss reasons and
customer policies come from the apps' ``ensure_*`` functions, and the nightly classification
(ABC classes, lifecycles) runs once at the end.

What it is meant to show:
* seasonality: few leads around 春节 (January, February), peaks in March–June and September–November;
* win rates by rep level: 新人 ~20 %, 成长 ~30 %, 资深 ~40 %;
* deal sizes by tier (¥50,000 to ¥3,000,000), product lines, loss reasons, a few credit splits;
* follow-up discipline: most customers on schedule, some overdue, some about to return to the
  pool, some already in it (with their previous owner).
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from salesdesk.budgets import demo as budgets_demo
from salesdesk.customers import rules as customer_rules
from salesdesk.customers import services as customer_services
from salesdesk.customers.models import (
    Contact,
    Customer,
    Department,
    Lifecycle,
    Nature,
    TierPolicy,
    Visit,
    VisitChannel,
    VisitStatus,
)
from salesdesk.orders import demo as orders_demo
from salesdesk.org.demo import DEMO_ANCHOR, DEMO_COMPANY, DemoLogin, build_demo_org
from salesdesk.org.models import Company, Employee, Level, Role
from salesdesk.pipeline import services as pipeline_services
from salesdesk.pipeline.models import (
    CreditSplit,
    Lead,
    LeadSource,
    LeadStatus,
    LossReason,
    Opportunity,
    OpportunityLine,
    StageChange,
)
from salesdesk.planning import demo as planning_demo
from salesdesk.products.models import Product
from salesdesk.receivables import demo as receivables_demo
from salesdesk.receivables import demo_aging as aging_demo

CUSTOMERS = 2000
HISTORY_DAYS = 730
TIERS = [("strategic", 3), ("key", 12), ("potential", 35), ("general", 50)]
NATURES = [
    (Nature.ENTERPRISE, 80),
    (Nature.GOVERNMENT, 5),
    (Nature.PARTNER, 7),
    (Nature.INDIVIDUAL, 4),
    (Nature.SPECIAL, 4),
]
# Deal size in CNY by the customer's tier.
DEAL_SIZE = {
    "strategic": (800_000, 3_000_000),
    "key": (300_000, 1_500_000),
    "potential": (100_000, 600_000),
    "general": (50_000, 300_000),
}
WIN_RATE = {Level.NEW: 0.20, Level.GROWING: 0.30, Level.SENIOR: 0.40}
# Relative number of new leads per month: 春节 slows January and February; spring and autumn trade
# fairs (and budgets spent before year end) make March–June and September–November busy.
SEASON = {
    1: 0.5,
    2: 0.35,
    3: 1.2,
    4: 1.35,
    5: 1.3,
    6: 1.2,
    7: 0.85,
    8: 0.8,
    9: 1.25,
    10: 1.0,
    11: 1.3,
    12: 0.9,
}
LEAD_SOURCES = [
    (LeadSource.EXHIBITION, 22),
    (LeadSource.REFERRAL, 18),
    (LeadSource.WEBSITE, 16),
    (LeadSource.SALON, 10),
    (LeadSource.CAMPAIGN, 10),
    (LeadSource.COLD_CALL, 12),
    (LeadSource.PARTNER, 8),
    (LeadSource.OTHER, 4),
]
CAMPAIGNS = {
    LeadSource.EXHIBITION: ["CIMT 中国国际机床展", "上海工博会", "华南工业自动化展"],
    LeadSource.CAMPAIGN: ["春季以旧换新", "智能工厂白皮书下载", "年终设备升级季"],
    LeadSource.SALON: ["长三角智能制造沙龙", "汽车零部件降本研讨会"],
}
# code, name, series, unit, list price, cost
PRODUCTS = [
    ("CNC-V850", "立式加工中心 V850", "智能数控机床", "台", 268_000, 176_000),
    ("CNC-H630", "卧式加工中心 H630", "智能数控机床", "台", 680_000, 452_000),
    ("CNC-5AX", "五轴联动加工中心", "智能数控机床", "台", 1_480_000, 1_010_000),
    ("CNC-UPG", "数控系统升级包", "智能数控机床", "套", 48_000, 21_000),
    ("ROB-W6", "六轴焊接机器人", "工业机器人", "台", 186_000, 118_000),
    ("ROB-P20", "码垛机器人 P20", "工业机器人", "台", 238_000, 150_000),
    ("ROB-C5", "协作机器人 C5", "工业机器人", "台", 126_000, 74_000),
    ("ROB-GRIP", "机器人夹具与视觉套件", "工业机器人", "套", 26_000, 11_500),
    ("LINE-ASM", "柔性装配线", "自动化产线", "条", 1_950_000, 1_360_000),
    ("LINE-WMS", "智能立体仓储系统", "自动化产线", "套", 1_280_000, 860_000),
    ("LINE-MES", "MES 制造执行系统", "自动化产线", "套", 420_000, 150_000),
    ("LINE-SVC", "产线年度维保服务", "自动化产线", "年", 88_000, 40_000),
]
INDUSTRIES = ["汽车零部件", "电子制造", "机械加工", "新能源电池", "医疗器械", "食品包装", "航空航天", "家电"]
COMPETITORS = ["发那科", "西门子", "大族激光", "埃斯顿", "新松", "海天精工", "创世纪"]
DEPARTMENTS = [
    (Department.PURCHASING, "采购经理"),
    (Department.FINANCE, "财务主管"),
    (Department.MANAGEMENT, "总经理"),
    (Department.QUALITY, "质量部长"),
]
CHARACTERS = ["做事严谨，重数据", "性格爽快，喜欢直接谈条件", "谨慎保守，决策慢", "重视长期合作与服务"]
HOBBIES = ["高尔夫", "钓鱼", "茶道", "马拉松", "书法", "摄影"]
BACKGROUNDS = ["工程师出身，懂设备", "销售出身，关注交期", "海归，重视自动化升级", "创始人之一，关注成本"]
VISIT_PURPOSES = ["季度回访", "设备使用情况回访", "新品介绍", "方案交流", "商务洽谈", "售后问题跟进"]
OUTCOMES = [
    "客户反馈良好，计划下季度扩产",
    "对报价有疑问，需要再核算",
    "约定下次带技术人员现场勘查",
    "已确认需求",
]
POOL_SHARE = 0.06


@dataclass
class _Rep:
    user_id: int
    level: str
    unit_id: int
    supervisor_user_id: int | None
    left_on: date | None


@dataclass
class _Plan:
    """Rows to insert, collected in one pass and written table by table."""

    customers: list[Customer] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    deals: list[Opportunity] = field(default_factory=list)
    lines: list[tuple[int, OpportunityLine]] = field(default_factory=list)  # (deal index, line)
    changes: list[tuple[int, StageChange]] = field(default_factory=list)
    splits: list[tuple[int, CreditSplit]] = field(default_factory=list)
    visits: list[tuple[int, Visit]] = field(default_factory=list)  # (customer index, visit)
    deal_lead: dict[int, int] = field(default_factory=dict)  # deal index → lead index


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class _SalesBuilder:
    def __init__(self, seed: int, company: Company) -> None:
        self.rng = random.Random(seed + 17)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed + 17)
        self.company = company
        self.plan = _Plan()
        employees = Employee.objects.filter(company=company).select_related("position", "manager")
        self.reps = [
            _Rep(e.user_id, e.level, e.unit_id, e.manager.user_id if e.manager else None, e.left_on)
            for e in employees.order_by("employee_no")
            if e.position.role == Role.REP
        ]
        self.active = [r for r in self.reps if r.left_on is None]
        self.by_user = {r.user_id: r for r in self.reps}
        self.stages = {s.code: s for s in pipeline_services.ensure_stages(company)}
        customer_services.ensure_customer_policies(company)
        self.policies = {p.tier: p for p in TierPolicy.objects.filter(company=company)}
        self.loss_reasons = list(LossReason.objects.filter(company=company))

    # -- helpers ------------------------------------------------------------------------------
    def weighted(self, choices):
        return self.rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]

    def seasonal_day(self, start: date, end: date) -> date:
        """A day in [start, end], months weighted by SEASON."""
        while True:
            day = start + timedelta(days=self.rng.randrange((end - start).days + 1))
            if self.rng.random() < SEASON[day.month] / max(SEASON.values()):
                return day

    # -- the catalogue -------------------------------------------------------------------------
    def products(self) -> list[Product]:
        return Product.objects.bulk_create(
            [
                Product(
                    company=self.company,
                    code=code,
                    name=name,
                    series=series,
                    unit=unit,
                    list_price=Decimal(price),
                    cost=Decimal(cost),
                )
                for code, name, series, unit, price, cost in PRODUCTS
            ]
        )

    # -- customers, contacts -------------------------------------------------------------------
    def customers(self) -> None:
        used: set[str] = set()
        for index in range(CUSTOMERS):
            tier = self.weighted(TIERS)
            nature = self.weighted(NATURES)
            city = self.faker.city_name()
            name = self.faker.name() if nature == Nature.INDIVIDUAL else self.faker.company()
            if nature == Nature.GOVERNMENT:
                name = f"{city}{self.rng.choice(['工业和信息化局', '职业技术学院', '高新区管委会'])}"
            while name in used:
                name = f"{city}{name}" if nature != Nature.INDIVIDUAL else f"{name}（{city}）"
            used.add(name)
            policy = self.policies[tier]
            owner = self.active[index % len(self.active)]
            pooled = self.rng.random() < POOL_SHARE
            # Days since the last follow-up: mostly within the visit interval; some overdue; some
            # within a week of returning to the pool (the nightly job will move them).
            roll = self.rng.random()
            if roll < 0.70:
                since = self.rng.randrange(1, policy.visit_interval_days)
            elif roll < 0.90:
                since = self.rng.randrange(policy.visit_interval_days, policy.pool_after_days - 7)
            else:
                since = self.rng.randrange(policy.pool_after_days - 7, policy.pool_after_days)
            followed = DEMO_ANCHOR - timedelta(days=since)
            customer = Customer(
                company=self.company,
                name=name,
                name_key=customer_rules.name_key(name),
                industry=self.rng.choice(INDUSTRIES),
                region=self.faker.province(),
                city=city,
                address=self.faker.street_address(),
                phone=self.faker.phone_number(),
                legal_representative=self.faker.name() if nature != Nature.INDIVIDUAL else name,
                year_established=self.rng.randint(1988, 2022),
                staff_count=self.rng.choice([30, 80, 150, 400, 1200, 5000]),
                annual_revenue=Decimal(self.rng.randrange(5, 5000) * 1_000_000),
                tier=tier,
                nature=nature,
                lifecycle=Lifecycle.PROSPECT,
                owner_id=None if pooled else owner.user_id,
                previous_owner_id=owner.user_id if pooled else None,
                pooled_at=_aware(DEMO_ANCHOR - timedelta(days=self.rng.randrange(1, 90))) if pooled else None,
                last_follow_up_on=followed,
                activity_on=followed,
            )
            self.plan.customers.append(customer)
            self.contacts(index, customer)

    def contacts(self, index: int, customer: Customer) -> None:
        count = 1 if customer.nature == Nature.INDIVIDUAL else self.rng.randint(1, 3)
        for position, (department, title) in enumerate(self.rng.sample(DEPARTMENTS, count)):
            management = department == Department.MANAGEMENT
            self.plan.contacts.append(
                Contact(
                    customer_id=index,  # the customer's index; replaced by its id on insert
                    name=customer.name if customer.nature == Nature.INDIVIDUAL else self.faker.name(),
                    title=title,
                    department=department,
                    phone=self.faker.phone_number(),
                    email=self.faker.email(),
                    wechat=f"wx_{self.rng.randrange(10**7, 10**8)}",
                    is_primary=position == 0,
                    is_decision_maker=management,
                    character=self.rng.choice(CHARACTERS) if management else "",
                    hobbies=self.rng.choice(HOBBIES) if management else "",
                    background=self.rng.choice(BACKGROUNDS) if management else "",
                )
            )

    # -- leads and deals -------------------------------------------------------------------------
    def owner_of(self, customer: Customer) -> _Rep:
        return self.by_user[customer.owner_id or customer.previous_owner_id]

    def leads_and_deals(self, products: list[Product]) -> None:
        start = DEMO_ANCHOR - timedelta(days=HISTORY_DAYS)
        customers = self.plan.customers
        # Bigger customers buy more often: deals per customer by tier.
        weights = [{"strategic": 6, "key": 4, "potential": 2, "general": 1}[c.tier] for c in customers]
        for _ in range(3200):
            created = self.seasonal_day(start, DEMO_ANCHOR - timedelta(days=1))
            source = self.weighted(LEAD_SOURCES)
            index = self.rng.choices(range(len(customers)), weights=weights)[0]
            customer = customers[index]
            rep = self.owner_of(customer)
            age = (DEMO_ANCHOR - created).days
            roll = self.rng.random()
            status = (
                LeadStatus.CONVERTED
                if roll < 0.45
                else LeadStatus.DISQUALIFIED
                if roll < 0.65
                else (LeadStatus.QUALIFIED if age < 60 else LeadStatus.DISQUALIFIED)
                if roll < 0.8
                else (
                    LeadStatus.NEW
                    if age < 20
                    else LeadStatus.CONTACTED
                    if age < 90
                    else LeadStatus.DISQUALIFIED
                )
            )
            lead = Lead(
                company=self.company,
                company_name=customer.name,
                contact_name=self.faker.name(),
                contact_title=self.rng.choice(["采购经理", "设备部长", "厂长", "技术总监"]),
                phone=self.faker.phone_number(),
                region=customer.region,
                industry=customer.industry,
                source=source,
                campaign=self.rng.choice(CAMPAIGNS.get(source, [""])),
                need=self.rng.choice(
                    ["产线自动化改造", "设备更新换代", "新厂建设", "提升加工精度", "降低人工成本"]
                ),
                estimated_amount=Decimal(self.rng.randrange(*DEAL_SIZE[customer.tier]) // 10_000 * 10_000),
                team_id=rep.unit_id,
                owner_id=rep.user_id,
                status=status,
                disqualify_reason="预算不足" if status == LeadStatus.DISQUALIFIED else "",
                customer_id=index if status == LeadStatus.CONVERTED else None,
                created_at=_aware(created, 9),
                assigned_at=_aware(created, 11),
            )
            self.plan.leads.append(lead)
            if status == LeadStatus.CONVERTED:
                converted = min(
                    created + timedelta(days=self.rng.randrange(3, 21)), DEMO_ANCHOR - timedelta(days=1)
                )
                lead.converted_at = _aware(converted, 15)
                self.plan.deal_lead[len(self.plan.deals)] = len(self.plan.leads) - 1
                self.deal(index, customer, converted, products)
        # Repeat business from existing customers, without a lead.
        for _ in range(1800):
            index = self.rng.choices(range(len(customers)), weights=weights)[0]
            engaged = self.seasonal_day(start, DEMO_ANCHOR - timedelta(days=1))
            self.deal(index, customers[index], engaged, products)

    def deal(self, index: int, customer: Customer, engaged: date, products: list[Product]) -> None:
        rep = self.owner_of(customer)
        if rep.left_on and engaged > rep.left_on - timedelta(days=120):
            rep = self.rng.choice(self.active)
        path = ["lead", "needs", "proposal", "negotiation"]
        cycle = self.rng.randrange(20, 150)
        closes = engaged + timedelta(days=cycle)
        target = self.rng.triangular(*DEAL_SIZE[customer.tier], DEAL_SIZE[customer.tier][0])
        lines = self.lines_for(target, products)
        amount = sum(line.amount for line in lines)
        deal = Opportunity(
            company=self.company,
            name=f"{customer.name[:40]} · {lines[0].product.series}",
            customer_id=index,
            owner_id=rep.user_id,
            amount=amount,
            engaged_on=engaged,
            updated_by_id=rep.user_id,
        )
        if self.rng.random() < 0.35:
            deal.competitor = self.rng.choice(COMPETITORS)
        if closes < DEMO_ANCHOR:
            won = self.rng.random() < WIN_RATE[rep.level]
            # Lost deals drop out somewhere along the way; won ones go through every stage.
            reached = len(path) if won else self.rng.randrange(1, len(path) + 1)
            stops = [*path[:reached], "won" if won else "lost"]
            deal.closed_on = closes
            deal.expected_close_on = closes
            if not won:
                reason = self.rng.choice(self.loss_reasons)
                deal.loss_reason_id = reason.pk
                deal.loss_note = f"{reason.name}：{self.rng.choice(['客户选择了', '最终倾向于'])}"
                deal.loss_note += deal.competitor or self.rng.choice(COMPETITORS)
        else:
            # Still open at the anchor: how far it got is how much of its cycle has passed.
            progress = (DEMO_ANCHOR - engaged).days / cycle
            stops = path[: 1 + min(3, int(progress * 4))]
            deal.expected_close_on = closes
        stage = self.stages[stops[-1]]
        deal.stage_id, deal.probability = stage.pk, stage.probability
        position = len(self.plan.deals)
        self.plan.deals.append(deal)
        self.plan.lines += [(position, line) for line in lines]
        end = deal.closed_on or min(DEMO_ANCHOR - timedelta(days=1), closes)
        span = max(1, (end - engaged).days)
        previous = None
        for step, code in enumerate(stops):
            day = engaged + timedelta(days=span * step // max(1, len(stops) - 1))
            if code in ("won", "lost"):
                day = deal.closed_on
            self.plan.changes.append(
                (
                    position,
                    StageChange(
                        from_stage=previous,
                        to_stage=self.stages[code],
                        changed_at=_aware(day, 14),
                        changed_by_id=rep.user_id,
                    ),
                )
            )
            previous = self.stages[code]
        if deal.closed_on and stops[-1] == "won" and self.rng.random() < 0.05 and rep.supervisor_user_id:
            # Team selling: the supervisor joined the negotiation and takes 30 % of the credit.
            self.plan.splits += [
                (position, CreditSplit(user_id=rep.user_id, percent=Decimal(70))),
                (position, CreditSplit(user_id=rep.supervisor_user_id, percent=Decimal(30))),
            ]

    def lines_for(self, target: float, products: list[Product]) -> list[OpportunityLine]:
        affordable = [p for p in products if p.list_price <= Decimal(target)] or products[:1]
        chosen = self.rng.sample(affordable, min(len(affordable), self.rng.randint(1, 3)))
        lines, left = [], Decimal(target)
        for number, product in enumerate(chosen, start=1):
            share = left if number == len(chosen) else left * Decimal(self.rng.uniform(0.4, 0.7))
            quantity = max(1, int(share / product.list_price))
            discount = Decimal(self.rng.choice(["1.00", "0.97", "0.95", "0.92", "0.88"]))
            unit_price = (product.list_price * discount).quantize(Decimal("1"))
            amount = unit_price * quantity
            left = max(Decimal(0), left - amount)
            lines.append(
                OpportunityLine(product=product, quantity=quantity, unit_price=unit_price, amount=amount)
            )
        return lines

    # -- visits ---------------------------------------------------------------------------------
    def visits(self) -> None:
        for index, customer in enumerate(self.plan.customers):
            rep = self.owner_of(customer)
            interval = self.policies[customer.tier].visit_interval_days
            done_on = customer.last_follow_up_on
            for back in range(self.rng.randint(1, 4)):
                status = VisitStatus.CANCELLED if back and self.rng.random() < 0.08 else VisitStatus.DONE
                purpose = self.rng.choice(VISIT_PURPOSES)
                self.plan.visits.append(
                    (
                        index,
                        Visit(
                            owner_id=rep.user_id,
                            status=status,
                            channel=self.weighted(
                                [(VisitChannel.ON_SITE, 5), (VisitChannel.PHONE, 3), (VisitChannel.WECHAT, 2)]
                            ),
                            planned_on=done_on,
                            done_on=done_on if status == VisitStatus.DONE else None,
                            purpose=purpose,
                            outcome=self.rng.choice(OUTCOMES) if status == VisitStatus.DONE else "",
                            next_step="按计划回访" if back == 0 else "",
                            next_on=done_on + timedelta(days=interval) if back == 0 else None,
                            cancel_reason="客户临时出差" if status == VisitStatus.CANCELLED else "",
                        ),
                    )
                )
                done_on -= timedelta(days=interval + self.rng.randrange(-5, 10))
            if customer.owner_id and self.rng.random() < 0.6:
                # The next visit as planned after the last one: for overdue customers it is late.
                planned = customer.last_follow_up_on + timedelta(days=interval)
                self.plan.visits.append(
                    (
                        index,
                        Visit(
                            owner_id=customer.owner_id,
                            status=VisitStatus.PLANNED,
                            channel=VisitChannel.ON_SITE,
                            planned_on=planned,
                            purpose=self.rng.choice(VISIT_PURPOSES),
                        ),
                    )
                )

    # -- writing ---------------------------------------------------------------------------------
    def write(self) -> None:
        plan = self.plan
        customers = Customer.objects.bulk_create(plan.customers, batch_size=500)
        for contact in plan.contacts:
            contact.customer_id = customers[contact.customer_id].pk
        contacts = Contact.objects.bulk_create(plan.contacts, batch_size=500)
        primary = {c.customer_id: c.pk for c in contacts if c.is_primary}
        for lead in plan.leads:
            if lead.customer_id is not None:
                lead.customer_id = customers[lead.customer_id].pk
        leads = Lead.objects.bulk_create(plan.leads, batch_size=500)
        for position, deal in enumerate(plan.deals):
            deal.customer_id = customers[deal.customer_id].pk
            deal.contact_id = primary.get(deal.customer_id)
            if position in plan.deal_lead:
                deal.lead_id = leads[plan.deal_lead[position]].pk
        deals = Opportunity.objects.bulk_create(plan.deals, batch_size=500)
        for rows, model in (
            (plan.lines, OpportunityLine),
            (plan.changes, StageChange),
            (plan.splits, CreditSplit),
        ):
            for position, row in rows:
                row.opportunity_id = deals[position].pk
            model.objects.bulk_create([row for _, row in rows], batch_size=500)
        for index, visit in plan.visits:
            visit.customer_id = customers[index].pk
            visit.contact_id = primary.get(visit.customer_id)
        Visit.objects.bulk_create([visit for _, visit in plan.visits], batch_size=500)

    def build(self) -> None:
        products = self.products()
        self.customers()
        self.leads_and_deals(products)
        self.visits()
        self.write()
        pipeline_services.recompute_customer_classes(company=self.company, today=DEMO_ANCHOR)


def build_demo(seed: int) -> list[DemoLogin]:
    """The demo company with its sales history; does nothing but list the logins if it exists."""
    logins = build_demo_org(seed)
    company = Company.objects.get(name=DEMO_COMPANY)
    if not Customer.objects.filter(company=company).exists():
        with transaction.atomic():
            _SalesBuilder(seed, company).build()
            rng = random.Random(seed + 7)
            for money_demo in (orders_demo, receivables_demo, aging_demo, planning_demo, budgets_demo):
                money_demo.build(company, DEMO_ANCHOR, rng)
    return logins
