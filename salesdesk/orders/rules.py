"""The rulebook of quotes, contracts and orders as pure functions: no database, no clock."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salesdesk.core.money import to_money

HUNDRED = Decimal(100)

# The sales ladder, lowest first: a discount beyond one rung's limit goes to the next rung up
# the author's reporting line (主管 → 经理 → 总监, by the size of the discount).
LADDER = ("rep", "supervisor", "manager", "director")

# Discount limits a company starts with (percent off the price-list price); admins change them.
DEFAULT_DISCOUNT_LIMITS = {
    "rep": Decimal(5),
    "supervisor": Decimal(10),
    "manager": Decimal(15),
    "director": Decimal(25),
}


# The largest amount a money column holds (DecimalField 18, 2).
MAX_AMOUNT = Decimal("9999999999999999.99")


def rank(role: str) -> int:
    """Position on the sales ladder; -1 for roles off it (finance, admin)."""
    return LADDER.index(role) if role in LADDER else -1


def net_unit_price(list_price: Decimal, discount_percent: Decimal) -> Decimal:
    return to_money(list_price * (HUNDRED - discount_percent) / HUNDRED)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return to_money(quantity * unit_price)


def below_floor(unit_price: Decimal, floor_price: Decimal | None) -> bool:
    return floor_price is not None and unit_price < floor_price


def approval_role(discount_percent: Decimal, author_role: str, limits: dict[str, Decimal]) -> str | None:
    """Who must approve a discount: None when the author's own limit covers it, else the lowest
    rung above the author whose limit does. Raises ValueError when no rung's limit covers it."""
    author_role = author_role if author_role in LADDER else "rep"
    if discount_percent <= limits.get(author_role, Decimal(0)):
        return None
    for role in LADDER[rank(author_role) + 1 :]:
        if discount_percent <= limits.get(role, Decimal(0)):
            return role
    raise ValueError("discount beyond every limit")


# Transition tables: (status, action) → new status. Services look actions up here and refuse
# anything missing; who may act is a permission rule, the guards are in the services.

QUOTE_TRANSITIONS = {
    ("draft", "submit"): "pending_approval",  # or straight to approved within the author's limit
    ("rejected", "submit"): "pending_approval",
    ("pending_approval", "approve"): "approved",
    ("pending_approval", "reject"): "rejected",
    ("approved", "accept"): "accepted",
}
QUOTE_EDITABLE = frozenset({"draft", "rejected"})

CONTRACT_TRANSITIONS = {
    ("draft", "submit"): "in_review",
    ("rejected", "submit"): "in_review",
    ("in_review", "approve"): "approved",  # after the last step; earlier steps keep it in review
    ("in_review", "reject"): "rejected",
    ("approved", "sign"): "signed",
    ("signed", "terminate"): "terminated",
}
CONTRACT_EDITABLE = frozenset({"draft", "rejected"})
# Contracts that were signed at some point: what a renewal or a renewed contract can be.
CONTRACT_WAS_SIGNED = frozenset({"signed", "terminated", "expired"})

ORDER_TRANSITIONS = {
    ("confirmed", "start_production"): "in_production",
    ("confirmed", "pause"): "paused",
    ("in_production", "pause"): "paused",
    ("partly_shipped", "pause"): "paused",
    ("confirmed", "ship"): "partly_shipped",
    ("in_production", "ship"): "partly_shipped",
    ("partly_shipped", "ship"): "partly_shipped",
    ("shipped", "complete"): "completed",
    ("draft", "cancel"): "cancelled",
    ("credit_hold", "cancel"): "cancelled",
    ("confirmed", "cancel"): "cancelled",
    ("in_production", "cancel"): "cancelled",
    ("paused", "cancel"): "cancelled",
}
# Resuming returns to the status the order was paused from.
RESUMABLE = frozenset({"confirmed", "in_production", "partly_shipped"})
# Shipments may be rescheduled (by request) while the order is live.
LIVE_ORDER = frozenset({"confirmed", "in_production", "paused", "partly_shipped"})
# Cancelled orders do not use up a contract's value.
ORDER_COUNTS_AGAINST_CONTRACT = frozenset(
    {"draft", "credit_hold", "confirmed", "in_production", "paused", "partly_shipped", "shipped", "completed"}
)


def next_status(table: dict[tuple[str, str], str], status: str, action: str) -> str | None:
    return table.get((status, action))


def status_after_shipping(statuses: Iterable[str]) -> str:
    """After a shipment ships: shipped when no planned shipment is left, else partly shipped."""
    return "partly_shipped" if any(s == "planned" for s in statuses) else "shipped"


# Who may review a contract: sales leaders (above its owner), finance, administrators (legal).
REVIEWER_ROLES = frozenset({"supervisor", "manager", "director", "finance", "admin"})
# Review steps are numbered 1 up to this; they run from the lowest number up.
MAX_STEP_SEQUENCE = 1000


@dataclass(frozen=True)
class StepConfig:
    sequence: int
    name: str
    reviewer_role: str
    min_amount: Decimal
    only_non_standard: bool


def review_steps_for(
    steps: Sequence[StepConfig], *, amount: Decimal, is_standard_terms: bool, owner_role: str
) -> list[StepConfig]:
    """The steps a contract goes through: those whose amount threshold it reaches, the
    non-standard-terms steps only when its terms are not standard, and no sales step at or below
    its owner's own rung (a manager's contract does not wait for a supervisor)."""
    chosen = []
    for step in sorted(steps, key=lambda s: s.sequence):
        if amount < step.min_amount:
            continue
        if step.only_non_standard and is_standard_terms:
            continue
        if step.reviewer_role in LADDER and rank(step.reviewer_role) <= rank(owner_role):
            continue
        chosen.append(step)
    return chosen


def is_on_time(planned_on: date, shipped_on: date | None, today: date) -> bool | None:
    """True shipped on or before the promised date; False shipped late or already overdue;
    None not yet due."""
    if shipped_on is not None:
        return shipped_on <= planned_on
    return False if planned_on < today else None


def on_time_rate(shipments: Iterable[tuple[date, date | None]], today: date) -> Decimal | None:
    """On-time delivery rate, percent: shipments on time among those due (shipped, or planned
    for a day already past). None when nothing is due yet."""
    outcomes = [is_on_time(planned, shipped, today) for planned, shipped in shipments]
    due = [o for o in outcomes if o is not None]
    if not due:
        return None
    return (Decimal(sum(due)) * HUNDRED / len(due)).quantize(Decimal("0.1"))


def past_term(ends_on: date | None, today: date) -> bool:
    """A contract's term has passed once the day after its last day (``ends_on``) has come; a
    contract without an end date runs until it is terminated."""
    return ends_on is not None and ends_on < today


def order_refusal(status: str, ends_on: date | None, today: date) -> str | None:
    """Why no order can be placed under a contract: "terminated", "expired" (also a signed one
    whose term passed before the nightly expiry marked it), "not_signed"; None when one can."""
    if status == "terminated":
        return "terminated"
    if status == "expired" or (status == "signed" and past_term(ends_on, today)):
        return "expired"
    if status != "signed":
        return "not_signed"
    return None


def termination_date_problem(
    terminated_on: date, *, signed_on: date | None, ends_on: date | None, today: date
) -> str | None:
    """Why a signed contract cannot end early on ``terminated_on``: "future" (a termination is
    recorded when it takes effect), "before_signing", "after_term" (on its last day or later it
    simply expires); None when it can."""
    if terminated_on > today:
        return "future"
    if signed_on is not None and terminated_on < signed_on:
        return "before_signing"
    if ends_on is not None and terminated_on >= ends_on:
        return "after_term"
    return None


def contract_remaining(contract_amount: Decimal, other_orders: Iterable[Decimal]) -> Decimal:
    return contract_amount - sum(other_orders, Decimal(0))


def document_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:05d}"
