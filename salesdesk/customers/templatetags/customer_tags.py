from datetime import date

from django import template
from django.utils.translation import gettext as _

from salesdesk.customers import rules

register = template.Library()


@register.inclusion_tag("customers/_pool_badge.html")
def pool_badge(customer, today: date):
    """The warning a customer's owner sees when the customer is about to return to the pool.
    Needs the policy columns selectors.with_policy() adds (no query here)."""
    after = getattr(customer, "pool_after_days", None)
    if customer.owner_id is None or after is None:
        return {"show": False}
    returns_on = rules.returns_to_pool_on(customer.activity_on, after)
    days_left = (returns_on - today).days
    return {
        "show": days_left <= (customer.warn_days_before or 0),
        "returns_on": returns_on,
        "days_left": days_left,
    }


@register.simple_tag
def overdue_days(customer, today: date) -> int:
    return rules.days_overdue(customer.activity_on, customer.visit_interval_days or 0, today)


@register.filter
def pool_label(owner) -> str:
    return str(owner) if owner else _("Public pool")
