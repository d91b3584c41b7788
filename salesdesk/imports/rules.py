"""Pure per-field parsers: a cell's raw value in, a clean Python value out, or ``Invalid`` with a
reason a person can act on. No database, no settings, no clock.

Reasons are stored untranslated (marked with gettext_noop) together with their parameters, and
translated when the report is shown, so a report reads in the language of whoever opens it."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext, gettext_noop


@dataclass(frozen=True)
class Reason:
    message: str  # an English msgid, marked with gettext_noop
    params: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        return gettext(self.message) % self.params if self.params else gettext(self.message)


class Invalid(Exception):
    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.reason = Reason(message, params)


REQUIRED = gettext_noop("a value is required")
TOO_LONG = gettext_noop("longer than %(max)s characters")
NOT_A_NUMBER = gettext_noop("not a number")
NOT_A_WHOLE_NUMBER = gettext_noop("not a whole number")
NEGATIVE = gettext_noop("must not be negative")
TOO_MANY_DIGITS = gettext_noop("more than %(digits)s digits or %(places)s decimal places")
OUT_OF_RANGE = gettext_noop("must be between %(low)s and %(high)s")
NOT_A_DATE = gettext_noop("not a date (use YYYY-MM-DD)")
NOT_A_CHOICE = gettext_noop("not one of: %(choices)s")
NOT_YES_NO = gettext_noop("not yes or no")
NOT_AN_EMAIL = gettext_noop("not an email address")

EMPTY_MARKERS = {"", "-", "—", "n/a", "na", "null", "none", "无"}


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and value.strip().lower() in EMPTY_MARKERS


def clean_text(value: Any) -> str:
    """A cell as text: Excel hands over floats for numeric-looking codes (1001.0 → "1001")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def text(*, max_length: int, required: bool = False) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        cleaned = "" if is_empty(value) else clean_text(value)
        if required and not cleaned:
            raise Invalid(REQUIRED)
        if len(cleaned) > max_length:
            raise Invalid(TOO_LONG, max=max_length)
        return cleaned

    return parse


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email(value: Any) -> str:
    cleaned = "" if is_empty(value) else clean_text(value)
    if cleaned and (len(cleaned) > 254 or not _EMAIL.match(cleaned)):
        raise Invalid(NOT_AN_EMAIL)
    return cleaned


_NUMBER_NOISE = str.maketrans("", "", ",_ ¥$￥€")


def decimal(
    *, digits: int = 18, places: int = 2, minimum: Decimal | None = Decimal(0)
) -> Callable[[Any], Any]:
    """Amounts: "1,234.50", "¥1234.5", 1234.5 (Excel) → Decimal("1234.50"); empty → None."""

    def parse(value: Any) -> Decimal | None:
        if is_empty(value):
            return None
        try:
            number = Decimal(str(value).translate(_NUMBER_NOISE)) if not isinstance(value, Decimal) else value
        except InvalidOperation:
            raise Invalid(NOT_A_NUMBER) from None
        if not number.is_finite():
            raise Invalid(NOT_A_NUMBER)
        if minimum is not None and number < minimum:
            raise Invalid(NEGATIVE)
        quantized = number.quantize(Decimal(1).scaleb(-places))
        if quantized != number or len(quantized.as_tuple().digits) > digits:
            raise Invalid(TOO_MANY_DIGITS, digits=digits - places, places=places)
        return quantized

    return parse


def integer(*, low: int = 0, high: int = 2**31 - 1) -> Callable[[Any], Any]:
    def parse(value: Any) -> int | None:
        if is_empty(value):
            return None
        try:
            number = Decimal(str(value).translate(_NUMBER_NOISE))
        except InvalidOperation:
            raise Invalid(NOT_A_WHOLE_NUMBER) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise Invalid(NOT_A_WHOLE_NUMBER)
        if not low <= number <= high:
            raise Invalid(OUT_OF_RANGE, low=low, high=high)
        return int(number)

    return parse


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%d.%m.%Y")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: Any) -> date | None:
    """ISO dates and the forms Chinese spreadsheets use (2017/3/1, 2017.3.1, 2017年3月1日),
    a date-time's date part, and Excel serial day numbers."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value <= 2958465:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise Invalid(NOT_A_DATE)
    raw = str(value).strip()
    candidate = raw.split("T")[0].split(" ")[0] if re.match(r"^\d{4}-\d{1,2}-\d{1,2}[T ]", raw) else raw
    try:
        return date.fromisoformat(candidate)  # the usual case, ten times faster than strptime
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    raise Invalid(NOT_A_DATE)


def parse_datetime(value: Any) -> datetime | None:
    """A date-time, or a date taken as its start; naive (the caller attaches the time zone)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    day = parse_date(value)
    return datetime.combine(day, time.min) if day else None


def _fold(text_value: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text_value.strip().lower())


def choice(options: Iterable[tuple[str, Iterable[str]]]) -> Callable[[Any], Any]:
    """A choice by its code or any of its labels (Chinese or English, case and spacing ignored).
    ``options``: (code, labels). "Strategic (战略)" also answers to "Strategic" and "战略"."""
    lookup: dict[str, str] = {}
    codes = []
    for code, labels in options:
        codes.append(code)
        for label in (code, *labels):
            label = str(label)
            lookup[_fold(label)] = code
            for part in re.findall(r"^(.*?)\s*[（(](.*?)[)）]\s*$", label):
                lookup.update({_fold(part[0]): code, _fold(part[1]): code})

    def parse(value: Any) -> str | None:
        if is_empty(value):
            return None
        try:
            return lookup[_fold(clean_text(value))]
        except KeyError:
            raise Invalid(NOT_A_CHOICE, choices=", ".join(codes)) from None

    return parse


_YES = {"1", "y", "yes", "true", "是", "对", "√", "x"}
_NO = {"0", "n", "no", "false", "否", "不"}


def boolean(value: Any) -> bool | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    folded = clean_text(value).lower()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise Invalid(NOT_YES_NO)


def required(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def parse_required(value: Any) -> Any:
        parsed = parse(value)
        if parsed is None or parsed == "":
            raise Invalid(REQUIRED)
        return parsed

    return parse_required


@dataclass(frozen=True)
class Aliases:
    """Value aliases of one field (e.g. product "GTXPro" → "GTX Pro"): exact match first, then
    ignoring case and spacing."""

    exact: dict[str, str]
    folded: dict[str, str]

    @classmethod
    def of(cls, aliases: dict[str, str] | None) -> "Aliases":
        aliases = {str(k): str(v) for k, v in (aliases or {}).items()}
        return cls(aliases, {_fold(k): v for k, v in aliases.items()})

    def apply(self, value: Any) -> Any:
        if not self.exact or value is None:
            return value
        key = clean_text(value)
        if key in self.exact:
            return self.exact[key]
        return self.folded.get(_fold(key), value)


def scaled(value: Any, factor: Any) -> Any:
    """Multiply a numeric cell (e.g. revenue "in millions" × 1,000,000) before parsing."""
    if is_empty(value) or factor in (None, 1):
        return value
    try:
        return Decimal(str(value).translate(_NUMBER_NOISE)) * Decimal(str(factor))
    except InvalidOperation:
        return value
