"""Aging, provision and bad-debt rules as pure functions of plain values (no database, no clock).

Days overdue = as-of date − due date: 0 or less means "not yet due". A bucket is given by its upper
bound (``max_days``, inclusive; ``None`` = open-ended); its lower bound is the previous bucket's
upper bound + 1. The default ladder is the one most Chinese finance departments use for 账龄分析.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

# (max days overdue, provision %): not yet due, 1–30, 31–60, 61–90, 91–180, 181–365, > 365.
DEFAULT_BUCKETS: tuple[tuple[int | None, Decimal], ...] = (
    (0, Decimal(0)),
    (30, Decimal(1)),
    (60, Decimal(5)),
    (90, Decimal(10)),
    (180, Decimal(30)),
    (365, Decimal(50)),
    (None, Decimal(100)),
)
# (days overdue, level): a reminder three days before the due date, then up the reporting line.
DEFAULT_DUNNING_STEPS: tuple[tuple[int, str], ...] = (
    (-3, "rep"),
    (1, "rep"),
    (15, "supervisor"),
    (30, "manager"),
    (60, "director"),
    (90, "legal"),
)
DEFAULT_DOUBTFUL_AFTER_DAYS = 180
DEFAULT_BAD_AFTER_DAYS = 365
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Bucket:
    index: int
    min_days: int | None  # None: everything not yet due (days overdue ≤ 0)
    max_days: int | None  # None: open-ended
    provision_percent: Decimal

    @property
    def label(self) -> str:
        if self.max_days == 0 or (self.min_days is None and self.max_days is not None and self.max_days <= 0):
            return _("Not yet due")
        if self.max_days is None:
            return _("> %(days)s days") % {"days": (self.min_days or 1) - 1}
        return _("%(low)s–%(high)s days") % {"low": self.min_days, "high": self.max_days}


def buckets_from_bounds(bounds: list[tuple[int | None, Decimal]]) -> list[Bucket]:
    """Bucket definitions from (max_days, provision %) pairs in any order; the open-ended one last."""
    ordered = sorted(bounds, key=lambda b: (b[0] is None, b[0] or 0))
    result, low = [], None
    for index, (high, percent) in enumerate(ordered):
        result.append(Bucket(index=index, min_days=low, max_days=high, provision_percent=Decimal(percent)))
        low = None if high is None else high + 1
    return result


def bucket_problems(bounds: list[tuple[int | None, Decimal]]) -> list[str]:
    """Why a bucket set is unusable: it needs "not yet due" (0), one open-ended bucket, distinct
    bounds and provision percentages from 0 to 100."""
    problems = []
    highs = [high for high, _percent in bounds]
    if 0 not in highs:
        problems.append(_("The first bucket must be “not yet due” (up to 0 days overdue)."))
    if highs.count(None) != 1:
        problems.append(_("Exactly one bucket must be open-ended (no upper bound)."))
    finite = [h for h in highs if h is not None]
    if len(set(finite)) != len(finite) or any(h < 0 for h in finite):
        problems.append(_("Bucket bounds must be different numbers of days, 0 or more."))
    if any(not Decimal(0) <= Decimal(p) <= Decimal(100) for _high, p in bounds):
        problems.append(_("A provision percentage is between 0 and 100."))
    return problems


def days_overdue(due_on: date, as_of: date) -> int:
    return (as_of - due_on).days


def bucket_of(days: int, buckets: list[Bucket]) -> Bucket:
    for bucket in buckets:
        if bucket.max_days is None or days <= bucket.max_days:
            return bucket
    raise ValueError("the bucket set has no open-ended bucket")


def provision(open_amount: Decimal, percent: Decimal) -> Decimal:
    return (open_amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def debt_class_for(days: int, *, doubtful_after_days: int, bad_after_days: int) -> str:
    """The class the rules give an open invoice ``days`` overdue: more than ``bad_after_days`` →
    bad (死账), more than ``doubtful_after_days`` → doubtful (呆账), else normal."""
    if days > bad_after_days:
        return "bad"
    if days > doubtful_after_days:
        return "doubtful"
    return "normal"


def highest_step_reached(days: int, step_days: list[int]) -> int | None:
    """The last rung of the ladder an invoice ``days`` overdue has reached (None: none yet)."""
    reached = [d for d in sorted(step_days) if d <= days]
    return reached[-1] if reached else None
