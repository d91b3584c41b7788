"""Pure rules of the pipeline (no database, no clock: pass ``today``)."""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _

HUNDRED = Decimal(100)


def next_round_robin(rep_ids: Sequence[int], last_id: int | None) -> int | None:
    """The rep who gets the team's next lead: the first active rep after the one who received the
    last lead, in the team's fixed order (ascending ids), wrapping around. When the last recipient
    has left the team, the turn passes to the next id after theirs; with no history, the first rep."""
    ordered = sorted(set(rep_ids))
    if not ordered:
        return None
    if last_id is None:
        return ordered[0]
    for rep_id in ordered:
        if rep_id > last_id:
            return rep_id
    return ordered[0]


@dataclass(frozen=True)
class Closing:
    probability: int
    closed_on: date | None


def closing_on_move(*, outcome: str, stage_probability: int, today: date) -> Closing:
    """What a move to a stage does to the deal: won closes it today at 100 %; lost closes it today
    (at the stage's 0 %); any open stage reopens it with the stage's probability."""
    if outcome == "won":
        return Closing(probability=100, closed_on=today)
    if outcome == "lost":
        return Closing(probability=stage_probability, closed_on=today)
    return Closing(probability=stage_probability, closed_on=None)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(Decimal("0.01"))


def credit_split_problems(percents: Sequence[Decimal], *, people: Sequence[int]) -> dict[str, str]:
    """Field → reason for a proposed credit split. The shares must add up to exactly 100 % (a
    deal's credit is neither lost nor counted twice), each person once, each share above 0."""
    problems: dict[str, str] = {}
    if len(set(people)) != len(people):
        problems["splits"] = _("Each person may appear only once in the credit split.")
    elif any(p <= 0 or p > HUNDRED for p in percents):
        problems["splits"] = _("Each share must be more than 0 % and at most 100 %.")
    elif percents and sum(percents, Decimal(0)) != HUNDRED:
        problems["splits"] = _("The shares add up to %(total)s %%; they must add up to exactly 100 %%.") % {
            "total": sum(percents, Decimal(0))
        }
    return problems


def months_back(today: date, months: int) -> date:
    """The same day ``months`` months earlier (the last day of a shorter month: 29 Feb → 28 Feb)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


# Lifecycle (潜在 / 新 / 老 / 流失) from a customer's won deals, over a 12-month window that ends
# today: a day belongs to the window when it is after the same day 12 months ago.
#   prospect  never won a deal;
#   new       first win inside the window;
#   existing  first win before the window, and active in it: a win inside it, or an open deal;
#   churned   first win before the window, no win inside it and no open deal — 12 months or more
#             since the last win without new business.
WINDOW_MONTHS = 12


def window_start(today: date) -> date:
    """Days after this one are "within the last 12 months"."""
    return months_back(today, WINDOW_MONTHS)


def lifecycle(
    *, first_won_on: date | None, last_won_on: date | None, has_open_deal: bool, today: date
) -> str:
    if first_won_on is None:
        return "prospect"
    start = window_start(today)
    if first_won_on > start:
        return "new"
    if (last_won_on is not None and last_won_on > start) or has_open_deal:
        return "existing"
    return "churned"


# Stage configuration. A pipeline always has exactly one won and one lost stage; they close deals
# and sit at the end of the board, after the open stages.
OUTCOME_PROBABILITY = {"won": 100, "lost": 0}
OUTCOME_FORECAST = {"won": "closed", "lost": "omitted"}


def stage_problems(*, outcome: str, probability: int, forecast_category: str) -> dict[str, str]:
    """Field → reason for a stage's settings. Won is always 100 and in the Closed forecast category,
    lost always 0 and omitted; an open stage is somewhere between 0 and 100 and never Closed (a
    deal counts as closed only when it is won)."""
    problems: dict[str, str] = {}
    if not 0 <= probability <= 100:
        problems["probability"] = _("The probability must be between 0 and 100.")
    elif outcome in OUTCOME_PROBABILITY and probability != OUTCOME_PROBABILITY[outcome]:
        problems["probability"] = (
            _("The won stage always has a probability of 100.")
            if outcome == "won"
            else _("The lost stage always has a probability of 0.")
        )
    if outcome in OUTCOME_FORECAST and forecast_category != OUTCOME_FORECAST[outcome]:
        problems["forecast_category"] = (
            _("The won stage is always in the Closed forecast category.")
            if outcome == "won"
            else _("The lost stage is always in the Omitted forecast category.")
        )
    elif outcome == "open" and forecast_category == "closed":
        problems["forecast_category"] = _("Only the won stage is in the Closed forecast category.")
    return problems


def new_code(name_en: str, taken: set[str], *, fallback: str, max_length: int = 30) -> str:
    """A code for a new stage or loss reason, from its English name ("Technical review" →
    "technical_review"), made unique with a number when taken. Codes never change afterwards:
    imports and reports refer to them."""
    base = slugify(name_en).replace("-", "_")[: max_length - 4] or fallback
    code, number = base, 2
    while code in taken:
        code = f"{base}_{number}"
        number += 1
    return code


def moved(ids: Sequence[int], moving: int, direction: str) -> list[int] | None:
    """``ids`` with ``moving`` swapped with its neighbour ("up": the one before, "down": the one
    after); None when it is already first or last."""
    order = list(ids)
    index = order.index(moving)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        return None
    order[index], order[other] = order[other], order[index]
    return order
