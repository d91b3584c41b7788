from datetime import date
from decimal import Decimal

import pytest

from salesdesk.imports import rules
from salesdesk.imports.rules import Aliases, Invalid

TIER = rules.choice([("strategic", ["Strategic (战略)"]), ("key", ["Key (重点)"])])


@pytest.mark.parametrize(
    ("parse", "raw", "expected"),
    [
        (rules.parse_date, "2017-03-01", date(2017, 3, 1)),
        (rules.parse_date, "2017/3/1", date(2017, 3, 1)),
        (rules.parse_date, "2017.03.01", date(2017, 3, 1)),
        (rules.parse_date, "2017年3月1日", date(2017, 3, 1)),
        (rules.parse_date, "2017-03-01 08:30:00", date(2017, 3, 1)),
        (rules.parse_date, 42795, date(2017, 3, 1)),  # an Excel serial day
        (rules.parse_date, "", None),
        (rules.decimal(), "1,234.5", Decimal("1234.50")),
        (rules.decimal(), "¥99", Decimal("99.00")),
        (rules.decimal(), 4514, Decimal("4514.00")),
        (rules.decimal(), "", None),
        (rules.integer(), "2822", 2822),
        (rules.integer(), 1996.0, 1996),
        (TIER, "strategic", "strategic"),
        (TIER, "战略", "strategic"),
        (TIER, "Key", "key"),
        (TIER, "key (重点)", "key"),
        (rules.boolean, "是", True),
        (rules.boolean, "no", False),
        (rules.text(max_length=5), " abc ", "abc"),
        (rules.text(max_length=5), 1001.0, "1001"),
        (rules.email, "a@b.cn", "a@b.cn"),
    ],
)
def test_cells_parse_to_clean_values(parse, raw, expected):
    assert parse(raw) == expected


@pytest.mark.parametrize(
    ("parse", "raw", "reason"),
    [
        (rules.parse_date, "01/03/2017x", "not a date (use YYYY-MM-DD)"),
        (rules.parse_date, "2017-02-30", "not a date (use YYYY-MM-DD)"),
        (rules.decimal(), "abc", "not a number"),
        (rules.decimal(), "-5", "must not be negative"),
        (rules.decimal(), "1.234", "more than 16 digits or 2 decimal places"),
        (rules.integer(), "3.5", "not a whole number"),
        (rules.integer(low=1800, high=2100), "1700", "must be between 1800 and 2100"),
        (TIER, "gold", "not one of: strategic, key"),
        (rules.boolean, "maybe", "not yes or no"),
        (rules.text(max_length=3, required=True), "", "a value is required"),
        (rules.text(max_length=3), "abcd", "longer than 3 characters"),
        (rules.required(rules.decimal()), "", "a value is required"),
        (rules.email, "not-an-email", "not an email address"),
    ],
)
def test_bad_cells_give_a_reason(parse, raw, reason):
    with pytest.raises(Invalid) as caught:
        parse(raw)
    assert caught.value.reason.text() == reason


@pytest.mark.parametrize(
    ("aliases", "raw", "expected"),
    [
        ({"GTXPro": "GTX Pro"}, "GTXPro", "GTX Pro"),
        ({"GTXPro": "GTX Pro"}, "gtxpro", "GTX Pro"),
        ({"GTXPro": "GTX Pro"}, "GTX Basic", "GTX Basic"),
        ({}, "x", "x"),
    ],
)
def test_aliases_replace_known_misspellings(aliases, raw, expected):
    assert Aliases.of(aliases).apply(raw) == expected


def test_scale_multiplies_numbers_in_millions():
    assert rules.scaled("1100.04", 1_000_000) == Decimal("1100040000.00")
