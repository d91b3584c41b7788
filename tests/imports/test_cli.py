import json

import pytest
from django.core.management import CommandError, call_command

from salesdesk.products.models import Product


def test_cli_imports_and_writes_the_report(org, tmp_path):
    data = tmp_path / "p.csv"
    data.write_text("external_id,code,name,list_price\nP1,C1,Alpha,100\nP2,C2,Beta,-1\n", encoding="utf-8")
    report = tmp_path / "report.json"
    with pytest.raises(CommandError):
        call_command("import_data", "products", str(data), "--user", "manager", "--report-json", str(report))
    body = json.loads(report.read_text(encoding="utf-8"))
    assert body["status"] == "failed" and Product.objects.count() == 0
    assert body["errors"] == [
        {
            "row": 3,
            "column": "list_price",
            "value": "-1",
            "reason": "must not be negative",
            "severity": "error",
        }
    ]
    call_command(
        "import_data", "products", str(data), "--user", "manager", "--partial", "--report-json", str(report)
    )
    assert json.loads(report.read_text(encoding="utf-8"))["created"] == 1
    assert Product.objects.count() == 1
