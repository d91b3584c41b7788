"""Customers and deals of the bench company, at any scale (100,000 customers and 1,000,000 deals
in about a minute on either database).

Customers: Chinese company names, tiers 3 / 12 / 35 / 50 % (strategic / key / potential /
general), owned round-robin-at-random by the active reps; 8 % sit in the public pool with their
previous owner. External ids ``C0000001``… so the import scenario can name them.

Deals: engaged over the three years before ANCHOR; recent ones mostly open (spread over the four
open stages, expected to close in the coming months), older ones won (~30 %) or lost, with a loss
reason. Amounts from ¥50,000 to ¥3,000,000 by the customer's tier. A deal belongs to its
customer's owner (a pooled customer's deals to the previous owner). 3 % of won deals are split
60 / 40 with a colleague (CreditSplit rows). No lines, stage changes, or history rows: no bench
scenario reads them, and they would triple the generation time.

Rows go in through salesdesk.core.bulk (COPY / executemany), deterministic for the seed.
"""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import models, transaction
from faker import Faker

from bench.datagen import org as org_data
from bench.env import BenchSetupError
from bench.scale import Scale
from salesdesk.core import bulk
from salesdesk.customers import rules as customer_rules
from salesdesk.customers import services as customer_services
from salesdesk.customers.models import Customer, Lifecycle, Nature, Tier
from salesdesk.org.models import Company, Employee, EmployeeStatus, Role
from salesdesk.pipeline import services as pipeline_services
from salesdesk.pipeline.models import CreditSplit, LossReason, Opportunity, StageOutcome

ANCHOR = org_data.ANCHOR
SEED = org_data.SEED + 1
HISTORY_DAYS = 3 * 365
POOL_SHARE = 0.08
WIN_RATE = 0.3
SPLIT_SHARE = 0.03
TIERS = [(Tier.STRATEGIC, 3), (Tier.KEY, 12), (Tier.POTENTIAL, 35), (Tier.GENERAL, 50)]
NATURES = [(Nature.ENTERPRISE, 80), (Nature.GOVERNMENT, 6), (Nature.PARTNER, 6), (Nature.INDIVIDUAL, 4)]
NATURES += [(Nature.SPECIAL, 4)]
# Deal amounts in CNY by tier: (low, high), drawn log-uniformly-ish (triangular towards low).
AMOUNTS = {
    Tier.STRATEGIC: (800_000, 3_000_000),
    Tier.KEY: (300_000, 1_500_000),
    Tier.POTENTIAL: (100_000, 600_000),
    Tier.GENERAL: (50_000, 300_000),
}
PRODUCTS = ["智能数控机床", "五轴加工中心", "工业机器人", "协作机器人", "自动化产线", "智能仓储系统"]
INDUSTRIES = ["汽车零部件", "电子制造", "机械加工", "新能源", "医疗器械", "食品包装", "航空航天", "家电"]
COMPETITORS = ["", "", "", "发那科", "西门子", "大族激光", "埃斯顿", "新松"]


def _company() -> Company:
    try:
        return Company.objects.get(name=org_data.COMPANY_NAME)
    except Company.DoesNotExist:
        raise BenchSetupError("generate the bench company (--employees) before customers") from None


def _weighted(rng: random.Random, choices: list[tuple[str, int]], n: int) -> list[str]:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices], k=n)


def _constants(model: type[models.Model], varying: list[str], now) -> tuple[list[str], tuple]:
    """The columns the generator does not vary, with the value Django would give them."""
    columns, values = [], []
    for f in model._meta.concrete_fields:
        if f.column in varying:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default() and not callable(f.default):
            value = f.default
        elif f.null:
            value = None
        elif isinstance(f, models.CharField | models.TextField):
            value = ""
        else:
            raise BenchSetupError(f"no generated value for {model.__name__}.{f.name}")
        columns.append(f.column)
        values.append(value)
    return columns, tuple(values)


def _active_rep_ids(company: Company) -> list[int]:
    return list(
        Employee.objects.filter(company=company, position__role=Role.REP, status=EmployeeStatus.ACTIVE)
        .order_by("employee_no")
        .values_list("user_id", flat=True)
    )


def existing_customers(scale: Scale) -> int:
    return Customer.objects.filter(company__name=org_data.COMPANY_NAME).count()


@transaction.atomic
def build_customers(scale: Scale) -> None:
    company = _company()
    customer_services.ensure_customer_policies(company)
    reps = _active_rep_ids(company)
    rng = random.Random(SEED)
    faker = Faker("zh_CN")
    faker.seed_instance(SEED)
    now = bulk.timestamp(datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC))
    n = scale.customers
    tiers = _weighted(rng, TIERS, n)
    natures = _weighted(rng, NATURES, n)
    first = bulk.next_id(Customer)
    varying = [
        "id", "company_id", "external_id", "name", "name_key", "industry", "region", "city", "tier",
        "nature", "lifecycle", "owner_id", "previous_owner_id", "pooled_at", "last_follow_up_on",
        "activity_on",
    ]  # fmt: skip
    const_columns, const_values = _constants(Customer, varying, now)
    provinces = [faker.province() for _ in range(60)]
    cities = [faker.city_name() for _ in range(200)]

    def rows():
        for i in range(n):
            name = faker.company()
            rep = reps[rng.randrange(len(reps))]
            followed = ANCHOR - timedelta(days=int(rng.expovariate(1 / 45)))
            pooled = rng.random() < POOL_SHARE
            yield (
                first + i,
                company.pk,
                f"C{i + 1:07d}",
                name,
                customer_rules.name_key(name),
                INDUSTRIES[i % len(INDUSTRIES)],
                provinces[rng.randrange(60)],
                cities[rng.randrange(200)],
                tiers[i],
                natures[i],
                Lifecycle.EXISTING if rng.random() < 0.6 else Lifecycle.PROSPECT,
                None if pooled else rep,
                rep if pooled else None,
                now if pooled else None,
                followed,
                followed,
                *const_values,
            )

    bulk.insert(Customer, varying + const_columns, rows())


def existing_opportunities(scale: Scale) -> int:
    return Opportunity.objects.filter(company__name=org_data.COMPANY_NAME).count()


@transaction.atomic
def build_opportunities(scale: Scale) -> None:
    company = _company()
    stages = {s.code: s for s in pipeline_services.ensure_stages(company)}
    open_stages = [s for s in stages.values() if s.outcome == StageOutcome.OPEN]
    won = next(s for s in stages.values() if s.outcome == StageOutcome.WON)
    lost = next(s for s in stages.values() if s.outcome == StageOutcome.LOST)
    reasons = list(LossReason.objects.filter(company=company).values_list("pk", flat=True))
    customers = list(
        Customer.objects.filter(company=company)
        .order_by("pk")
        .values_list("pk", "name", "tier", "owner_id", "previous_owner_id")
    )
    if not customers:
        raise BenchSetupError("generate customers (--customers) before opportunities")
    reps = _active_rep_ids(company)
    rng = random.Random(SEED + 1)
    now = bulk.timestamp(datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC))
    first = bulk.next_id(Opportunity)
    varying = [
        "id", "company_id", "name", "customer_id", "owner_id", "stage_id", "amount", "probability",
        "expected_close_on", "engaged_on", "closed_on", "competitor", "loss_reason_id",
    ]  # fmt: skip
    const_columns, const_values = _constants(Opportunity, varying, now)
    splits: list[tuple[int, int, int]] = []  # (deal, owner, colleague)
    amounts = AMOUNTS

    def rows():
        for i in range(scale.opportunities):
            customer_id, customer_name, tier, owner, previous = customers[rng.randrange(len(customers))]
            owner = owner or previous or reps[0]
            age = int(rng.triangular(0, HISTORY_DAYS, 0))
            engaged = ANCHOR - timedelta(days=age)
            p_open = 0.85 if age < 60 else 0.5 if age < 180 else 0.03
            low, high = amounts[tier]
            amount = Decimal(int(rng.triangular(low, high, low)) // 1000 * 1000)
            loss_reason = None
            if rng.random() < p_open:
                stage, closed = open_stages[rng.randrange(len(open_stages))], None
                expected = ANCHOR + timedelta(days=rng.randrange(7, 180))
            else:
                closed = min(engaged + timedelta(days=rng.randrange(15, 180)), ANCHOR - timedelta(days=1))
                expected = closed
                if rng.random() < WIN_RATE:
                    stage = won
                    if rng.random() < SPLIT_SHARE:
                        colleague = reps[rng.randrange(len(reps))]
                        if colleague != owner:
                            splits.append((first + i, owner, colleague))
                else:
                    stage, loss_reason = lost, reasons[rng.randrange(len(reasons))]
            yield (
                first + i,
                company.pk,
                f"{customer_name[:20]} · {PRODUCTS[i % len(PRODUCTS)]}",
                customer_id,
                owner,
                stage.pk,
                amount,
                stage.probability,
                expected,
                engaged,
                closed,
                COMPETITORS[i % len(COMPETITORS)],
                loss_reason,
                *const_values,
            )

    bulk.insert(Opportunity, varying + const_columns, rows())
    split_id = bulk.next_id(CreditSplit)
    split_rows = []
    for opportunity_id, owner, colleague in splits:
        split_rows.append((split_id, opportunity_id, owner, Decimal(60)))
        split_rows.append((split_id + 1, opportunity_id, colleague, Decimal(40)))
        split_id += 2
    bulk.insert(CreditSplit, ["id", "opportunity_id", "user_id", "percent"], split_rows)
