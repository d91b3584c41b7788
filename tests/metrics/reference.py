"""The metric definitions again, written the slow, obvious way: plain Python over every row.
Tests compare selectors.compute() with these on the same data."""

import itertools
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from salesdesk.customers.models import Visit
from salesdesk.org.models import Employee
from salesdesk.pipeline.models import Lead, Opportunity, Stage

CENT, TENTH = Decimal("0.01"), Decimal("0.1")


def _q(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _unit_paths() -> dict:
    return {e.user_id: e.unit.path for e in Employee.objects.select_related("unit")}


def _credits(deal, by, paths):
    """[(group key, share 0..1, amount)] for one deal."""
    if by == "customer":
        return [(deal.customer_id, Decimal(1), deal.amount)]
    if by == "product":
        amounts = defaultdict(Decimal)
        for line in deal.lines.all():
            amounts[line.product_id] += line.amount
        return [(product, Decimal(1), amount) for product, amount in amounts.items()]
    splits = [(s.user_id, s.percent / 100) for s in deal.credit_splits.all()] or [(deal.owner_id, Decimal(1))]
    return [
        ((user if by == "employee" else paths.get(user)), share, deal.amount * share)
        for user, share in splits
    ]


def _roll_up(values: dict) -> dict:
    """{path: parts} → {unit id: parts summed over the subtree}."""
    units = defaultdict(lambda: defaultdict(Decimal))
    for path, parts in values.items():
        for unit_id in [int(x) for x in path.strip("/").split("/")] if path else [None]:
            for name, value in parts.items():
                units[unit_id][name] += value
    return units


def _count(value: Decimal):
    return int(value) if value == value.to_integral_value() else _q(value, CENT)


def _pct(part, whole):
    return None if not whole else _q(Decimal(part) * 100 / Decimal(whole), CENT)


def deal_metric(metric: str, by: str, period) -> dict:
    paths = _unit_paths()
    parts = defaultdict(lambda: defaultdict(Decimal))
    deals = Opportunity.objects.select_related("stage").prefetch_related("credit_splits", "lines")
    for deal in deals:
        outcome = deal.stage.outcome
        closed_in = deal.closed_on is not None and deal.closed_on in period
        due = deal.expected_close_on or deal.engaged_on
        for key, share, amount in _credits(deal, by, paths):
            group = parts[key]
            if outcome == "won" and closed_in:
                group["won_amount"] += amount
                group["won"] += share
                group["days"] += (deal.closed_on - deal.engaged_on).days * share
            if outcome == "lost" and closed_in:
                group["lost"] += share
            if outcome == "open" and due in period:
                group["open"] += amount
                group["weighted"] += amount * deal.probability / 100
    if by == "unit":
        parts = _roll_up(parts)
    result = {}
    for key, p in parts.items():
        value = {
            "won_amount": _q(p["won_amount"], CENT) if p["won"] else None,
            "won_count": _count(p["won"]) if p["won"] else None,
            "lost_count": _count(p["lost"]) if p["lost"] else None,
            "win_rate": _pct(p["won"], p["won"] + p["lost"]) if p["won"] + p["lost"] else None,
            "open_pipeline_amount": _q(p["open"], CENT) if p["open"] else None,
            "weighted_pipeline_amount": _q(p["weighted"], CENT) if p["open"] else None,
            "avg_deal_size": _q(p["won_amount"] / p["won"], CENT) if p["won"] else None,
            "sales_cycle_days": _q(p["days"] / p["won"], TENTH) if p["won"] else None,
        }[metric]
        if value is not None or (metric == "win_rate" and p["won"] + p["lost"]):
            result[key] = value
    return result


def new_customers(by: str, period) -> dict:
    paths = _unit_paths()
    first = {}
    for deal in Opportunity.objects.filter(stage__outcome="won", customer__isnull=False).order_by(
        "closed_on", "pk"
    ):
        first.setdefault(deal.customer_id, deal)
    counts = defaultdict(int)
    for customer_id, deal in first.items():
        if deal.closed_on in period:
            key = {"employee": deal.owner_id, "unit": paths.get(deal.owner_id), "customer": customer_id}[by]
            counts[key] += 1
    if by == "unit":
        return {
            k: int(v["n"]) for k, v in _roll_up({k: {"n": Decimal(v)} for k, v in counts.items()}).items()
        }
    return dict(counts)


def lead_conversion(by: str, period) -> dict:
    from django.utils import timezone

    paths = _unit_paths()
    parts = defaultdict(lambda: defaultdict(Decimal))
    for lead in Lead.objects.select_related("team"):
        if timezone.localdate(lead.created_at) not in period:
            continue
        if by == "employee":
            key = lead.owner_id
        else:
            key = paths.get(lead.owner_id) if lead.owner_id else lead.team.path
        parts[key]["created"] += 1
        parts[key]["converted"] += lead.status == "converted"
    if by == "unit":
        parts = _roll_up(parts)
    return {key: _pct(p["converted"], p["created"]) for key, p in parts.items()}


def visits_done(by: str, period) -> dict:
    paths = _unit_paths()
    counts = defaultdict(Decimal)
    for visit in Visit.objects.filter(status="done"):
        if visit.done_on in period:
            key = {
                "employee": visit.owner_id,
                "unit": paths.get(visit.owner_id),
                "customer": visit.customer_id,
            }[by]
            counts[key] += 1
    if by == "unit":
        return {k: int(v["n"]) for k, v in _roll_up({k: {"n": v} for k, v in counts.items()}).items()}
    return {k: int(v) for k, v in counts.items()}


def stage_conversion(period) -> dict:
    sequence = list(Stage.objects.exclude(outcome="lost").filter(is_active=True).order_by("position"))
    deals = [d for d in Opportunity.objects.prefetch_related("stage_changes") if d.engaged_on in period]
    reached = {d.pk: {c.to_stage_id for c in d.stage_changes.all()} | {d.stage_id} for d in deals}
    result = {}
    for first, second in itertools.pairwise(sequence):
        got_first = [d for d in deals if first.pk in reached[d.pk]]
        got_both = [d for d in got_first if second.pk in reached[d.pk]]
        result[first.code] = _pct(len(got_both), len(got_first))
    return result


def expected(metric: str, by: str, period) -> dict:
    if metric == "new_customers":
        return new_customers(by, period)
    if metric == "lead_conversion_rate":
        return lead_conversion(by, period)
    if metric == "visits_done":
        return visits_done(by, period)
    if metric == "stage_conversion":
        return stage_conversion(period)
    return deal_metric(metric, by, period)
