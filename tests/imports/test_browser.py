"""A manager uploads a file with bad rows, watches the progress bar reach 100 % and reads the
errors in the report table."""

import pytest
from playwright.sync_api import expect

from tests.browser import login

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_upload_with_bad_rows_shows_progress_and_the_report(personas, page, live_server, tmp_path):
    data = tmp_path / "products.csv"
    data.write_text("external_id,code,name,list_price\nP1,C1,Alpha,100\nP2,C2,Beta,abc\n", encoding="utf-8")
    login(page, live_server, "manager", language="en")
    page.goto(f"{live_server.url}/imports/")
    page.locator("#id_kind").select_option("products")
    page.locator("#id_file").set_input_files(str(data))
    page.get_by_test_id("start-import").click()
    expect(page.get_by_test_id("job-percent")).to_have_text("100%")
    expect(page.get_by_test_id("bad-rows")).to_have_text("1")
    row = page.get_by_test_id("report-table").locator("tbody tr").first
    expect(row).to_contain_text("3")
    expect(row).to_contain_text("list_price")
    expect(row).to_contain_text("abc")
    expect(row).to_contain_text("not a number")
