"""Formatting figures for the command line: exact JSON values and terminal column widths."""

import unicodedata
from decimal import Decimal


def plain(value):
    """Money and ratios as exact strings in JSON ("1234.50"), whole counts as numbers."""
    return str(value) if isinstance(value, Decimal) else value


def width(text: str) -> int:
    """Display width: Chinese characters take two columns in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
