"""In the browser: the aging report drills from bucket to customer to invoice and exports; a rep
logs a contact attempt on the workbench; finance requests a write-off and the director approves
it; the dunning escalation shows on the invoice after run_dunning."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from salesdesk.receivables.models import ContactAttempt, Invoice
from tests.browser import login
from tests.receivables.test_aging_support import invoice


def test_aging_workbench_write_off_and_dunning(personas, new_page, live_server):
    today = timezone.localdate()
    due = today - timedelta(days=100)
    old = invoice(personas.rep, issued_on=due - timedelta(days=30), due_on=due, amount="1234.00")

    finance = new_page()
    login(finance, live_server, "finance")
    finance.goto("/receivables/aging/")
    finance.locator("tr[data-bucket='4'] [data-testid=bucket-link]").click()
    finance.locator("[data-testid=customer-link]").first.click()
    finance.locator("[data-testid=invoice-link]", has_text=old.number).click()
    assert old.number in finance.content()
    with finance.expect_download() as download:
        finance.goto("/receivables/aging/invoices/")
        finance.locator("[data-testid=aging-export-csv]").click()
    assert download.value.suggested_filename.endswith(".csv")

    rep = new_page()
    login(rep, live_server, "rep")
    rep.goto("/receivables/workbench/")
    form = rep.locator(f"[data-testid=contact-form-{old.pk}]")
    form.locator("select[name=outcome]").select_option("no_answer")
    form.locator("button[type=submit]").click()
    rep.locator("[data-testid=contact-logged]").wait_for()
    assert ContactAttempt.objects.filter(invoice=old, by=personas.rep).exists()

    call_command("run_dunning", today=today.isoformat())
    finance.goto(f"/receivables/collections/invoices/{old.pk}/")
    assert finance.locator("[data-testid=dunning-notices] [data-level=legal]").count() == 1

    finance.fill("[data-testid=write-off-form] input[name=reason]", "Customer bankrupt")
    finance.locator("[data-testid=write-off-form] button[type=submit]").click()
    director = new_page()
    login(director, live_server, "director")
    director.goto("/receivables/write-offs/")
    director.locator("[data-testid=approve-write-off]").click()
    director.wait_for_url("**/receivables/write-offs/**")
    assert Invoice.objects.get(pk=old.pk).status == "written_off"
