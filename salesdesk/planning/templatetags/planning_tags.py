"""Small template helpers of the planning pages (presentation only: no rules, no queries)."""

from decimal import Decimal

from django import template

from salesdesk.planning import selectors

register = template.Library()


@register.filter
def total(values) -> Decimal:
    """The sum of a list of numbers (a grid's column totals)."""
    return sum((Decimal(v or 0) for v in values), Decimal(0))


@register.filter
def part_value(form, key: str) -> str:
    """What was typed for a split part (the form's dynamic ``part_<key>`` field)."""
    if form is None:
        return ""
    field = form.fields.get(f"part_{key}")
    if field is None:
        return ""
    value = form[f"part_{key}"].value()
    return "" if value is None else str(value)


@register.filter
def pace_colour(pace: str) -> str:
    return {
        "ahead": "green",
        "achieved": "green",
        "on_track": "blue",
        "behind": "orange",
        "missed": "red",
    }.get(pace, "secondary")


@register.filter
def measure(target) -> str:
    """What a target or proposal counts: its metric's label, and the product series if any."""
    return selectors.measure_label(target.metric, target.product_series)


@register.filter
def done_count(items) -> int:
    """How many actions of a (prefetched) list are done."""
    return sum(1 for item in items if item.done_on)
