"""Pure rules of the customer archive (no database, no clock: pass ``today``)."""

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The form of a customer name two spellings of the same company share: full-width letters,
    digits and brackets folded to half-width (NFKC), case ignored, every space removed.
    "ＡＢＣ 科技（上海）" and "abc科技(上海)" are the same customer."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name)).casefold()


def tax_id_key(tax_id: str) -> str:
    """统一社会信用代码 are upper-case letters and digits; people type them with spaces and lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", tax_id)).upper()


def value_classes(values: dict[int, Decimal], *, a_share: int, b_share: int) -> dict[int, str]:
    """ABC classes by Pareto: customers sorted by value (highest first, then by id) take A while the
    value before them is under ``a_share`` percent of the total, B while under ``b_share`` percent,
    and C after that. The customer that crosses a cut-off still belongs to the better class (it is
    needed to reach the share). A customer with no value (zero or less) is always C."""
    positive = {cid: value for cid, value in values.items() if value > 0}
    total = sum(positive.values(), Decimal(0))
    classes = {cid: "C" for cid in values}
    before = Decimal(0)
    for cid, value in sorted(positive.items(), key=lambda item: (-item[1], item[0])):
        if before * 100 < a_share * total:
            classes[cid] = "A"
        elif before * 100 < b_share * total:
            classes[cid] = "B"
        before += value
    return classes


def returns_to_pool_on(activity_on: date, pool_after_days: int) -> date:
    """The day a customer without follow-up goes back to the pool."""
    return activity_on + timedelta(days=pool_after_days)


def pool_cutoff(today: date, pool_after_days: int) -> date:
    """Customers whose last activity is on or before this day return to the pool today."""
    return today - timedelta(days=pool_after_days)


def warning_cutoff(today: date, pool_after_days: int, warn_days_before: int) -> date:
    """Customers whose last activity is on or before this day return within ``warn_days_before`` days."""
    return today - timedelta(days=max(pool_after_days - warn_days_before, 0))


def visit_due_on(activity_on: date, visit_interval_days: int) -> date:
    return activity_on + timedelta(days=visit_interval_days)


def visit_cutoff(today: date, visit_interval_days: int) -> date:
    """Customers whose last activity is on or before this day are due a visit today."""
    return today - timedelta(days=visit_interval_days)


def week_start(day: date) -> date:
    """The Monday of the ISO week ``day`` is in."""
    return day - timedelta(days=day.weekday())


def days_overdue(activity_on: date, visit_interval_days: int, today: date) -> int:
    """0 on the day the visit falls due, positive after it, negative before."""
    return (today - visit_due_on(activity_on, visit_interval_days)).days


CLAIM_WINDOW_DAYS = 30


def claim_refusal(
    *,
    claims_in_window: int,
    cap: int,
    is_former_owner: bool,
    pooled_on: date | None,
    cooldown_days: int,
    today: date,
) -> str | None:
    """Why a rep may not claim this customer from the pool now, or None when they may.

    * at most ``cap`` claims in the last 30 days (every claim counts, released or not);
    * the owner it was taken from waits ``cooldown_days`` after it entered the pool, so a rep cannot
      release a customer and take it straight back to restart the clock."""
    if claims_in_window >= cap:
        return _(
            "You have claimed %(count)d customers from the pool in the last %(days)d days; "
            "the limit is %(cap)d."
        ) % {
            "count": claims_in_window,
            "days": CLAIM_WINDOW_DAYS,
            "cap": cap,
        }
    if is_former_owner and pooled_on is not None and today < pooled_on + timedelta(days=cooldown_days):
        return _("You owned this customer until %(day)s; you may claim it again from %(again)s.") % {
            "day": pooled_on,
            "again": pooled_on + timedelta(days=cooldown_days),
        }
    return None


# Which visit may become what: a planned visit is done or cancelled, and stays so.
VISIT_TRANSITIONS = {
    "planned": frozenset({"done", "cancelled"}),
    "done": frozenset(),
    "cancelled": frozenset(),
}


def can_move_visit(current: str, target: str) -> bool:
    return target in VISIT_TRANSITIONS.get(current, frozenset())


def completion_problems(
    *, planned_on: date, done_on: date, next_on: date | None, today: date
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if done_on > today:
        problems["done_on"] = _("A visit cannot be done in the future.")
    if next_on is not None and next_on <= done_on:
        problems["next_on"] = _("The next date must come after the visit.")
    return problems


# Limits of the policy settings: ten years is longer than any follow-up rhythm a sales team keeps,
# and they keep the values inside the database's small-integer columns.
MAX_POLICY_DAYS = 3650
MAX_POOL_CLAIM_CAP = 1000


def tier_policy_problems(
    *, service_plan: str, visit_interval_days: int, pool_after_days: int, warn_days_before: int
) -> dict[str, str]:
    """Field → reason for a tier's service settings. Someone follows up at least every day; the owner
    is warned before the customer returns to the pool, so the warning days are fewer than the days
    until it returns."""
    problems: dict[str, str] = {}
    if not service_plan.strip():
        problems["service_plan"] = _("Describe the service plan of the tier.")
    if not 1 <= visit_interval_days <= MAX_POLICY_DAYS:
        problems["visit_interval_days"] = _("The follow-up interval must be from 1 to %(max)s days.") % {
            "max": MAX_POLICY_DAYS
        }
    if not 1 <= pool_after_days <= MAX_POLICY_DAYS:
        problems["pool_after_days"] = _(
            "The days before a customer returns to the pool must be from 1 to %(max)s."
        ) % {"max": MAX_POLICY_DAYS}
    elif not 0 <= warn_days_before < pool_after_days:
        problems["warn_days_before"] = _(
            "The owner must be warned before the customer returns to the pool: "
            "warn fewer days before than the %(days)s days it takes."
        ) % {"days": pool_after_days}
    return problems


def customer_policy_problems(
    *, a_share: int, b_share: int, pool_claim_cap: int, pool_cooldown_days: int
) -> dict[str, str]:
    """Field → reason for the company's customer policy: ABC cut-offs with A below B and B at most
    the whole value (100), at least one claim from the pool per rep, a cooling-off of zero or more days."""
    problems: dict[str, str] = {}
    if not 0 <= a_share < b_share:
        problems["a_share"] = _("The A cut-off must be below the B cut-off.")
    if not 0 < b_share <= 100:
        problems["b_share"] = _("The B cut-off must be at most 100.")
    if not 1 <= pool_claim_cap <= MAX_POOL_CLAIM_CAP:
        problems["pool_claim_cap"] = _("Allow from 1 to %(max)s claims from the pool.") % {
            "max": MAX_POOL_CLAIM_CAP
        }
    if not 0 <= pool_cooldown_days <= MAX_POLICY_DAYS:
        problems["pool_cooldown_days"] = _("The cooling-off period must be from 0 to %(max)s days.") % {
            "max": MAX_POLICY_DAYS
        }
    return problems
