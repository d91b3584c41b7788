"""The rulebook of budgets and expenses as pure functions: no database, no clock, no settings."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salesdesk.core.money import split_by_weights, split_evenly, to_money

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
# The largest amount a money column holds (DecimalField 18, 2).
MAX_AMOUNT = Decimal("9999999999999999.99")

# The approval ladder, lowest first. An expense is signed off by every rung above the spender up
# to the first whose limit covers it (主管 → 经理 → 总监); the director has no limit. Nobody
# approves their own: the director's own expenses go to finance (财务审核).
LADDER = ("rep", "supervisor", "manager", "director")
FINANCE = "finance"
DEFAULT_APPROVAL_LIMITS = {"supervisor": Decimal("5000.00"), "manager": Decimal("20000.00")}
FILERS = frozenset(LADDER)

# Transitions: (status, action) → new status. ``approve`` leads to approved only after the last
# step; earlier steps keep the expense submitted.
EXPENSE_TRANSITIONS = {
    ("draft", "submit"): "submitted",
    ("rejected", "submit"): "submitted",
    ("submitted", "withdraw"): "draft",
    ("submitted", "approve"): "approved",
    ("submitted", "reject"): "rejected",
    ("approved", "pay"): "paid",
}
EDITABLE = frozenset({"draft", "rejected"})
# What a budget line has used up: everything submitted or further along (pending approvals
# count, so two people cannot spend the same last yuan while their approvers are away).
COMMITTED = frozenset({"submitted", "approved", "paid"})
APPROVED = frozenset({"approved", "paid"})
ATTACHABLE = frozenset({"draft", "submitted", "rejected", "approved"})


def next_status(status: str, action: str) -> str | None:
    return EXPENSE_TRANSITIONS.get((status, action))


def rank(role: str) -> int:
    """Position on the ladder; -1 for roles off it (finance, admin)."""
    return LADDER.index(role) if role in LADDER else -1


def approval_roles(amount: Decimal, spender_role: str, limits: Mapping[str, Decimal]) -> list[str]:
    """The rungs that sign off an expense of ``amount`` filed by ``spender_role``, lowest first.

    Every rung above the spender up to the first whose limit covers the amount; at least one
    (the next rung up). A director's expense goes to finance."""
    if spender_role not in LADDER:
        raise ValueError(f"{spender_role!r} does not file expenses")
    if spender_role == LADDER[-1]:
        return [FINANCE]
    roles = []
    for role in LADDER[rank(spender_role) + 1 :]:
        roles.append(role)
        limit = limits.get(role)
        if role == LADDER[-1] or (limit is not None and amount <= limit):
            break
    return roles


def may_stand_in(approver_role: str, step_role: str) -> bool:
    """Whether someone of ``approver_role`` (above the spender) may decide a step of ``step_role``:
    the same rung or a higher one; finance steps only finance."""
    if step_role == FINANCE:
        return approver_role == FINANCE
    return rank(approver_role) >= rank(step_role) >= 0


@dataclass(frozen=True)
class Candidate:
    """A person above the spender in the reporting line."""

    user_id: int
    role: str


def route_steps(roles: Sequence[str], line: Sequence[Candidate]) -> list[tuple[str, int | None]]:
    """Who each step goes to: the nearest person above the spender of that rung or higher.

    ``line`` is the reporting line, nearest first. Steps that land on the same person merge into
    one (the higher rung). A finance step goes to finance as a whole (no person). Raises
    ValueError naming the rung nobody above the spender can take."""
    routed: list[tuple[str, int | None]] = []
    for role in roles:
        if role == FINANCE:
            routed.append((role, None))
            continue
        person = next((c for c in line if rank(c.role) >= rank(role)), None)
        if person is None:
            raise ValueError(role)
        if routed and routed[-1][1] == person.user_id:
            routed[-1] = (role, person.user_id)
        else:
            routed.append((role, person.user_id))
    return routed


# Budgets


def month_amounts(total: Decimal, weights: Sequence[Decimal] | None = None) -> list[Decimal]:
    """The year's amount in twelve monthly parts that add up to it exactly (largest remainder):
    evenly, or by twelve seasonality weights in fiscal-month order."""
    total = to_money(total)
    if weights is None:
        return split_evenly(total, 12)
    if len(weights) != 12:
        raise ValueError("a seasonality template has twelve weights")
    return split_by_weights(total, weights)


@dataclass(frozen=True)
class Usage:
    """A budget line's figures at one moment: ``used`` counts every committed expense (submitted,
    approved, paid), ``amount`` is the line's budget."""

    amount: Decimal
    used: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.used

    @property
    def percent(self) -> Decimal | None:
        if not self.amount:
            return None
        return (self.used * HUNDRED / self.amount).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Check:
    """The outcome of charging an expense to a budget line: ``after`` is what the line would have
    used with the expense; ``over`` whether that exceeds the line."""

    amount: Decimal
    used_before: Decimal
    budget: Decimal

    @property
    def after(self) -> Decimal:
        return self.used_before + self.amount

    @property
    def over(self) -> bool:
        return self.after > self.budget

    @property
    def excess(self) -> Decimal:
        return max(self.after - self.budget, ZERO)


def check_budget(*, amount: Decimal, used_before: Decimal, budget: Decimal) -> Check:
    return Check(amount=amount, used_before=used_before, budget=budget)


def format_money(amount: Decimal) -> str:
    """¥12,345.60 — how amounts read in messages."""
    value = to_money(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def incurred_problem(incurred_on: date, today: date) -> str | None:
    """Why a date cannot be an expense's date, as a code: "future" (not yet spent)."""
    if incurred_on > today:
        return "future"
    return None


def attachment_problem(size_bytes: int, max_bytes: int) -> str | None:
    if not size_bytes:
        return "empty"
    if size_bytes > max_bytes:
        return "too_large"
    return None
