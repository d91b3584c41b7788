import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from salesdesk.core.exports import stream_xlsx
from salesdesk.org.models import Company


def _workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


@pytest.mark.django_db
def test_xlsx_export_holds_every_row_as_typed_cells():
    Company.objects.bulk_create([Company(name=f"公司 {n}") for n in range(2500)])
    response = stream_xlsx(
        "companies.xlsx",
        ["Name", "Amount", "Day", "At"],
        Company.objects.order_by("id"),
        lambda c: [c.name, Decimal("12.50"), date(2026, 7, 1), timezone.now()],
    )
    assert response["Content-Disposition"] == 'attachment; filename="companies.xlsx"'
    rows = list(_workbook(response).active.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Amount", "Day", "At")
    assert len(rows) == 2501
    assert rows[1][0] == "公司 0" and rows[1][1] == 12.5
    assert rows[1][2] == datetime(2026, 7, 1)


@pytest.mark.django_db
def test_xlsx_export_keeps_formula_like_text_as_text_and_drops_control_characters():
    Company.objects.create(name='=HYPERLINK("http://x")\x01')
    response = stream_xlsx("x.xlsx", ["Name"], Company.objects.all(), lambda c: [c.name])
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x")'
