"""Streamed exports: rows leave as they are read, so memory stays flat whatever the row count."""

import csv
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(
    filename: str, headers: Sequence[str], queryset: QuerySet, row: Callable[[Any], Iterable[Any]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # a BOM, so Excel opens UTF-8 Chinese text correctly
        yield writer.writerow([str(h) for h in headers])
        for obj in queryset.iterator(chunk_size=2000):
            yield writer.writerow(row(obj))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Above this size the workbook being built moves from memory to a temporary file on disk.
XLSX_SPOOL_BYTES = 8 * 1024 * 1024


def _xlsx_cell(sheet, value: Any):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, Promise):
        value = str(value)  # a lazily translated label
    if isinstance(value, str):
        # Control characters are not allowed in the file format, and text that starts with "="
        # must stay text: a customer name is never a formula Excel would run.
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = timezone.make_naive(value)  # Excel has no time zones: local time, as on the page
    return WriteOnlyCell(sheet, value=value)


def stream_xlsx(
    filename: str, headers: Sequence[str], queryset: QuerySet, row: Callable[[Any], Iterable[Any]]
) -> FileResponse:
    """An Excel workbook of every row: openpyxl's write-only mode keeps one row in memory at a time,
    the file spools to disk when large, and the response streams it from there. No row cap."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([_xlsx_cell(sheet, str(h)) for h in headers])
    for obj in queryset.iterator(chunk_size=2000):
        sheet.append([_xlsx_cell(sheet, value) for value in row(obj)])
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115  (the response closes it)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
