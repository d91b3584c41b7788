"""Rows out of an uploaded file: CSV (UTF-8, UTF-8 with BOM or GBK; any line endings) or XLSX
(python-calamine). The header row names the columns; each data row becomes a dict, streamed."""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from salesdesk.core.errors import BusinessRuleViolation

ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312
SNIFF_BYTES = 1 << 20
XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]  # (row number as a spreadsheet shows it, cells)


def sniff_encoding(sample: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise BusinessRuleViolation(
        _("The file is neither UTF-8 nor GBK text. Save it as CSV (UTF-8) or XLSX."),
        details={"field": "file"},
    )


def _headers(raw: list[Any]) -> list[str]:
    headers = [str(h).strip() if h is not None else "" for h in raw]
    if not any(headers):
        raise BusinessRuleViolation(_("The first row must name the columns."), details={"field": "file"})
    return headers


def _as_dicts(headers: list[str], rows, first_row: int) -> Iterator[tuple[int, dict[str, Any]]]:
    width = len(headers)
    for number, cells in enumerate(rows, start=first_row):
        if not any(c not in (None, "") for c in cells):
            continue  # blank lines are not rows
        cells = list(cells[:width]) + [None] * (width - len(cells))
        yield number, dict(zip(headers, cells, strict=True))


def read_csv(stream: BinaryIO) -> Table:
    sample = stream.read(SNIFF_BYTES)
    stream.seek(0)
    encoding = sniff_encoding(sample)
    text_stream = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text_stream)
    try:
        headers = _headers(next(reader))
    except StopIteration:
        raise BusinessRuleViolation(_("The file is empty."), details={"field": "file"}) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BusinessRuleViolation(
            _("The file cannot be read as CSV: %(error)s") % {"error": exc}, details={"field": "file"}
        ) from None
    return Table(headers, _as_dicts(headers, reader, first_row=2))


def read_xlsx(stream: BinaryIO) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(stream)
        rows = workbook.get_sheet_by_index(0).iter_rows()
        headers = _headers(next(rows))
    except StopIteration:
        raise BusinessRuleViolation(_("The file is empty."), details={"field": "file"}) from None
    except (CalamineError, ValueError, OSError) as exc:
        raise BusinessRuleViolation(
            _("The file cannot be read as a spreadsheet: %(error)s") % {"error": exc},
            details={"field": "file"},
        ) from None
    return Table(headers, _as_dicts(headers, rows, first_row=2))


def read_table(stream: BinaryIO, name: str) -> Table:
    """Open ``stream`` (binary, seekable) as CSV or spreadsheet, chosen by the file name."""
    if Path(name).suffix.lower() in XLSX_SUFFIXES:
        return read_xlsx(stream)
    return read_csv(stream)
