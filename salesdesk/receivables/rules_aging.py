"""Aging, provision and bad-debt rules as pure functions of plain values (no database, no clock).

Days overdue = as-of date − due date: 0 or less means "not yet due". A bucket is given by its upper
bound (``max_days``, inclusive; ``None`` = open-ended); its lower bound is the previous bucket's
upper bound + 1. The default ladder is the one most Chinese finance departments use for 账龄分析.
"""

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from salesdesk.core.errors import BusinessRuleViolation

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
# Who a dunning step can notify, lowest first: the ladder climbs it (DunningLevel's values).
LEVEL_ORDER = ("rep", "supervisor", "manager", "director", "legal")
# A reminder at most a year before the due date; a step at most a century after it.
MIN_STEP_DAYS, MAX_STEP_DAYS = -365, 36500
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


# A problem a rule finds: the field it concerns (as the settings forms and the API name it) and
# the reason, so a page shows it next to that field.
Problem = tuple[str, str]


def refuse(problems: list[Problem]) -> None:
    """Raise ``problems`` as one BusinessRuleViolation: every reason in the message, and each on
    its field in ``details["fields"]`` (where a form shows it)."""
    if not problems:
        return
    fields: dict[str, str] = {}
    for field, message in problems:
        fields[field] = f"{fields[field]} {message}" if field in fields else message
    raise BusinessRuleViolation(
        " ".join(message for _field, message in problems),
        details={"fields": fields, "problems": [message for _field, message in problems]},
    )


def bucket_field_problems(bounds: list[tuple[int | None, Decimal]]) -> list[Problem]:
    """Why a bucket set is unusable: it needs "not yet due" (0), one open-ended bucket, distinct
    bounds (overlapping buckets would count an invoice twice), provision percentages from 0 to
    100, and a provision that never falls as the debt gets older (账龄越长，计提比例不低于前一档)."""
    problems: list[Problem] = []
    highs = [high for high, _percent in bounds]
    finite = [h for h in highs if h is not None]
    if 0 not in highs:
        problems.append(("max_days", _("The first bucket must be “not yet due” (up to 0 days overdue).")))
    if highs.count(None) != 1:
        problems.append(("max_days", _("Exactly one bucket must be open-ended (no upper bound).")))
    if len(set(finite)) != len(finite) or any(h < 0 for h in finite):
        problems.append(("max_days", _("Bucket bounds must be different numbers of days, 0 or more.")))
    percents = [Decimal(p) for _high, p in bounds]
    if any(not Decimal(0) <= p <= Decimal(100) for p in percents):
        problems.append(("provision_percent", _("A provision percentage is between 0 and 100.")))
    elif not problems:
        by_age = [b.provision_percent for b in buckets_from_bounds(bounds)]
        if any(older < younger for younger, older in itertools.pairwise(by_age)):
            problems.append(
                (
                    "provision_percent",
                    _("An older bucket cannot have a lower provision percentage than a younger one."),
                )
            )
    return problems


def bucket_problems(bounds: list[tuple[int | None, Decimal]]) -> list[str]:
    return [message for _field, message in bucket_field_problems(bounds)]


def bucket_removal_problem(max_days: int | None) -> str | None:
    """The two buckets every set needs cannot be removed, only changed."""
    if max_days == 0:
        return _("The “not yet due” bucket cannot be removed.")
    if max_days is None:
        return _("The open-ended bucket cannot be removed: every overdue invoice needs a bucket.")
    return None


def ladder_problems(steps: list[tuple[int, str]]) -> list[Problem]:
    """Why a dunning ladder (days overdue, level) is unusable: it needs a step, each step its own
    day, a known level, a day within a year before the due date and 100 years after it, and the
    escalation goes up the line, never down (rep → supervisor → manager → director → legal)."""
    problems: list[Problem] = []
    days = [d for d, _level in steps]
    if not steps:
        problems.append(("days_overdue", _("The dunning ladder needs at least one step.")))
    if len(set(days)) != len(days):
        problems.append(("days_overdue", _("Give each step of the ladder a different number of days.")))
    if any(not MIN_STEP_DAYS <= d <= MAX_STEP_DAYS for d in days):
        problems.append(
            (
                "days_overdue",
                _("A step fires at most %(before)s days before the due date and %(after)s days after it.")
                % {"before": -MIN_STEP_DAYS, "after": MAX_STEP_DAYS},
            )
        )
    if any(level not in LEVEL_ORDER for _d, level in steps):
        problems.append(("notify", _("Choose who each step notifies.")))
    elif not problems:
        ranks = [LEVEL_ORDER.index(level) for _d, level in sorted(steps)]
        if any(later < earlier for earlier, later in itertools.pairwise(ranks)):
            problems.append(
                (
                    "notify",
                    _(
                        "A later step cannot notify someone lower in the line than an earlier step "
                        "(rep → supervisor → manager → director → legal)."
                    ),
                )
            )
    return problems


def policy_problems(doubtful_after_days: int, bad_after_days: int) -> list[Problem]:
    """Doubtful debt starts after the due date, bad debt later still."""
    if doubtful_after_days is None or doubtful_after_days <= 0:
        field = "doubtful_after_days"
    elif bad_after_days is None or bad_after_days <= doubtful_after_days:
        field = "bad_after_days"
    else:
        return []
    return [(field, _("Bad debt must start later than doubtful debt, and both after the due date."))]


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
