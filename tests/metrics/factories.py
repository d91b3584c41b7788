"""Rows for metric tests, made directly with the ORM: stages, deals, lines, splits, stage
changes, customers, leads and visits. Defaults are minimal; every test states the values it
measures."""

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

from django.utils import timezone

from salesdesk.customers.models import Customer, Visit
from salesdesk.pipeline.models import (
    CreditSplit,
    Lead,
    Opportunity,
    OpportunityLine,
    Stage,
    StageChange,
)
from salesdesk.products.models import Product

_serial = count(1)

# code, Chinese name, English name, position, probability, outcome
STAGES = [
    ("lead", "线索", "Lead", 1, 10, "open"),
    ("discovery", "需求调研", "Discovery", 2, 25, "open"),
    ("proposal", "方案报价", "Proposal", 3, 50, "open"),
    ("negotiation", "商务谈判", "Negotiation", 4, 75, "open"),
    ("won", "赢单", "Won", 5, 100, "won"),
    ("lost", "输单", "Lost", 6, 0, "lost"),
]


def stages(company) -> dict[str, Stage]:
    """The company's six standard stages, by code (created once)."""
    result = {}
    for code, name, name_en, position, probability, outcome in STAGES:
        result[code], _created = Stage.objects.get_or_create(
            company=company,
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "position": position,
                "probability": probability,
                "forecast_category": "closed" if outcome != "open" else "pipeline",
                "outcome": outcome,
            },
        )
    return result


def customer(company, owner, *, name: str | None = None) -> Customer:
    return Customer.objects.create(company=company, owner=owner, name=name or f"Customer {next(_serial)}")


def product(company, *, name: str | None = None, series: str = "") -> Product:
    n = next(_serial)
    return Product.objects.create(
        company=company, code=f"P{n}", name=name or f"Product {n}", series=series, list_price=Decimal("100")
    )


def deal(
    owner,
    stage: Stage,
    *,
    amount: Decimal | int | str = 0,
    customer: Customer | None = None,
    engaged_on: date = date(2026, 1, 5),
    closed_on: date | None = None,
    expected_close_on: date | None = None,
    probability: int | None = None,
    splits: dict | None = None,
    lines: dict | None = None,
    reached: list[Stage] = (),
) -> Opportunity:
    """A deal of ``owner``; ``splits`` maps users to percents, ``lines`` products to amounts,
    ``reached`` lists stages the deal passed through (one StageChange each)."""
    opportunity = Opportunity.objects.create(
        company=stage.company,
        name=f"Deal {next(_serial)}",
        customer=customer,
        owner=owner,
        stage=stage,
        amount=Decimal(amount),
        probability=stage.probability if probability is None else probability,
        engaged_on=engaged_on,
        closed_on=closed_on,
        expected_close_on=expected_close_on,
    )
    for user, percent in (splits or {}).items():
        CreditSplit.objects.create(opportunity=opportunity, user=user, percent=Decimal(percent))
    for item, line_amount in (lines or {}).items():
        OpportunityLine.objects.create(
            opportunity=opportunity,
            product=item,
            unit_price=Decimal(line_amount),
            amount=Decimal(line_amount),
        )
    previous = None
    for step, to_stage in enumerate(reached):
        StageChange.objects.create(
            opportunity=opportunity,
            from_stage=previous,
            to_stage=to_stage,
            changed_at=timezone.make_aware(datetime.combine(engaged_on, time(9, step))),
        )
        previous = to_stage
    return opportunity


def lead(company, owner, *, created_on: date, converted: bool = False, team=None) -> Lead:
    created_at = timezone.make_aware(datetime.combine(created_on, time(10)))
    return Lead.objects.create(
        company=company,
        company_name=f"Prospect {next(_serial)}",
        owner=owner,
        team=team,
        status="converted" if converted else "new",
        created_at=created_at,
        converted_at=created_at if converted else None,
    )


def visit(customer: Customer, owner, *, done_on: date | None, status: str = "done") -> Visit:
    return Visit.objects.create(
        customer=customer,
        owner=owner,
        status=status,
        planned_on=done_on or date(2026, 1, 1),
        done_on=done_on,
        purpose="Follow-up",
    )


def sales_year(org) -> dict:
    """A year of sales across the personas' company: splits inside and across regions, lines,
    lost and open deals, deals just outside the periods, first and repeat wins, leads, visits and
    stage moves. Period tests use 2026 (calendar fiscal year) and its quarters."""
    s = stages(org.company)
    acme = customer(org.company, org.rep, name="Acme")
    beta = customer(org.company, org.rep_e2, name="Beta")
    north = customer(org.company, org.other_rep, name="Northwind")
    old = customer(org.company, org.teammate, name="Old Friend")
    pump, valve = product(org.company, name="Pump"), product(org.company, name="Valve")
    rep, teammate, rep_e2, other_rep = org.rep, org.teammate, org.rep_e2, org.other_rep
    path = [s["lead"], s["discovery"], s["proposal"], s["negotiation"]]
    # Old Friend's first win was in 2025: its 2026 win is not a new customer.
    deal(
        teammate, s["won"], amount=800, customer=old, engaged_on=date(2025, 9, 1), closed_on=date(2025, 11, 3)
    )
    deal(
        teammate,
        s["won"],
        amount="1234.56",
        customer=old,
        engaged_on=date(2025, 12, 1),
        closed_on=date(2026, 1, 10),
        lines={pump: "1234.56"},
        reached=[*path, s["won"]],
    )
    deal(
        rep,
        s["won"],
        amount=10000,
        customer=acme,
        engaged_on=date(2026, 1, 2),
        closed_on=date(2026, 2, 15),
        splits={rep: 60, teammate: 40},
        lines={pump: 6000, valve: 4000},
        reached=[*path, s["won"]],
    )
    deal(
        rep,
        s["won"],
        amount=3000,
        customer=acme,
        engaged_on=date(2026, 2, 1),
        closed_on=date(2026, 3, 31),
        lines={valve: 3000},
        reached=[*path[:2], s["won"]],
    )
    deal(rep, s["won"], amount=999, customer=acme, engaged_on=date(2026, 3, 1), closed_on=date(2026, 4, 1))
    # A deal of rep_e2 (E2) with a third credited to other_rep (another region).
    deal(
        rep_e2,
        s["won"],
        amount=9000,
        customer=beta,
        engaged_on=date(2026, 1, 20),
        closed_on=date(2026, 3, 1),
        splits={rep_e2: "66.67", other_rep: "33.33"},
        lines={pump: 9000},
        reached=path[:3],
    )
    deal(
        other_rep,
        s["won"],
        amount=5000,
        customer=north,
        engaged_on=date(2026, 2, 2),
        closed_on=date(2026, 2, 20),
        lines={valve: 5000},
        reached=path,
    )
    deal(
        rep,
        s["lost"],
        amount=2000,
        customer=acme,
        engaged_on=date(2026, 1, 5),
        closed_on=date(2026, 3, 3),
        reached=[*path[:2], s["lost"]],
    )
    deal(
        other_rep,
        s["lost"],
        amount=700,
        customer=north,
        engaged_on=date(2026, 1, 5),
        closed_on=date(2026, 1, 30),
        lines={pump: 700},
    )
    deal(
        rep_e2,
        s["lost"],
        amount=100,
        customer=beta,
        engaged_on=date(2025, 12, 5),
        closed_on=date(2025, 12, 30),
    )
    # Open deals: expected in Q1, no expected date (engaged in Q1), expected next year.
    deal(
        rep,
        s["proposal"],
        amount=4000,
        customer=acme,
        engaged_on=date(2026, 1, 8),
        expected_close_on=date(2026, 3, 20),
        probability=50,
        lines={pump: 4000},
        reached=path[:3],
    )
    deal(
        teammate,
        s["negotiation"],
        amount=2500,
        customer=old,
        engaged_on=date(2026, 2, 8),
        probability=80,
        splits={teammate: 50, rep: 50},
        reached=path,
    )
    deal(
        other_rep,
        s["discovery"],
        amount=6000,
        customer=north,
        engaged_on=date(2026, 1, 8),
        expected_close_on=date(2026, 6, 30),
        probability=25,
    )
    deal(rep_e2, s["lead"], amount=300, engaged_on=date(2025, 6, 1), expected_close_on=date(2027, 2, 1))
    for owner, day, converted in [
        (rep, date(2026, 1, 3), True),
        (rep, date(2026, 2, 3), False),
        (rep, date(2026, 3, 31), True),
        (teammate, date(2026, 1, 9), False),
        (rep_e2, date(2026, 5, 9), True),
        (other_rep, date(2026, 2, 9), True),
        (other_rep, date(2025, 12, 31), True),
    ]:
        lead(org.company, owner, created_on=day, converted=converted)
    lead(org.company, None, created_on=date(2026, 2, 14), team=org.units.e1)
    for who, where, day in [
        (rep, acme, date(2026, 1, 4)),
        (rep, acme, date(2026, 3, 31)),
        (rep, old, date(2026, 2, 1)),
        (teammate, old, date(2026, 2, 2)),
        (rep_e2, beta, date(2026, 7, 2)),
        (other_rep, north, date(2026, 1, 15)),
    ]:
        visit(where, who, done_on=day)
    visit(acme, rep, done_on=None, status="planned")
    visit(acme, rep, done_on=date(2026, 2, 2), status="cancelled")
    return {"stages": s, "customers": [acme, beta, north, old], "products": [pump, valve]}
