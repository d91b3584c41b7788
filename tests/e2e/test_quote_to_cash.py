"""Lead to cash in one go, in English and in Chinese, through the pages only, each step by the
person whose job it is: the rep quotes a won deal at a discount the manager approves; the
contract goes through the supervisor's and finance's review and is signed; the rep orders under
it in two deliveries, finance clears the credit hold, the supervisor pauses and resumes the
order, the manager approves a later delivery date; the rep ships, finance invoices the shipment
from the customer's lead-to-cash page, plans the contract's collection, posts the customer's
payment and allocates it, and the invoice is paid. The second delivery's invoice is never paid:
the nightly dunning run escalates it to the supervisor, who finds it on their workbench.

Every check reads what the person sees, in the page's language (the catalogue's translation;
the Chinese run insists there is one)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from salesdesk.orders.models import Order
from salesdesk.receivables.models import Invoice
from tests.browser import login
from tests.orders import factories

pytestmark = pytest.mark.e2e


def seen(language: str, text: str, **values) -> str:
    """``text`` as a person reads it on a page in ``language``."""
    with translation.override(language):
        translated = gettext(text)
    if language != "en":
        assert translated != text, f"the {language} catalogue does not translate {text!r}"
    return translated % values if values else translated


def days_overdue(language: str, days: int) -> str:
    with translation.override(language):
        text = ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}
    return text


def status(page: Page, testid: str, language: str, text: str) -> None:
    expect(page.get_by_test_id(testid)).to_have_text(seen(language, text))


def alert(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_quote_to_collected_cash(language, page, new_page, live_server, personas):
    org = personas
    base = live_server.url
    today = timezone.localdate()
    deal = factories.deal_with_lines(org.rep, org.company, won=True, name="Servo 伺服")  # 10 × 1000.00
    product = deal.lines.get().product
    customer = deal.customer

    # The rep quotes the deal and adds one more unit at 12 %: beyond the supervisor's 10 %, so
    # the manager approves.
    rep = login(page, live_server, "rep", language=language)
    rep.goto(f"{base}/orders/quotes/new/?opportunity={deal.pk}")
    rep.get_by_test_id("save").click()
    status(rep, "quote-status", language, "Draft")
    rep.locator("#id_product").select_option(value=str(product.pk))
    rep.locator("#id_quantity").fill("1")
    rep.locator("#id_discount_percent").fill("12")
    rep.get_by_test_id("add-line").click()
    expect(rep.get_by_test_id("quote-total")).to_have_text("10880.00")
    rep.get_by_test_id("submit-quote").click()
    status(rep, "quote-status", language, "Awaiting approval")
    status(rep, "approver-role", language, "Sales manager")
    expect(rep.get_by_test_id("approve")).to_have_count(0)
    quote_url = rep.url

    supervisor = login(new_page(), live_server, "supervisor", language=language)
    supervisor.goto(quote_url)
    expect(supervisor.get_by_test_id("approve")).to_have_count(0)  # 12 % is above the supervisor
    manager = login(new_page(), live_server, "manager", language=language)
    manager.goto(quote_url)
    manager.get_by_test_id("decision-comment").fill("ok, strategic account")
    manager.get_by_test_id("approve").click()
    status(manager, "quote-status", language, "Approved")

    # The contract: made from the quote, reviewed by the supervisor, then finance; signed.
    rep.goto(quote_url)
    rep.get_by_test_id("make-contract").click()
    rep.get_by_test_id("save").click()
    status(rep, "contract-status", language, "Draft")
    rep.get_by_test_id("submit-contract").click()
    status(rep, "contract-status", language, "In review")
    contract_url = rep.url
    supervisor.goto(contract_url)
    supervisor.get_by_test_id("approve").click()
    expect(supervisor.get_by_test_id("reviews").locator("[data-decision=approved]")).to_have_count(1)
    finance = login(new_page(), live_server, "finance", language=language)
    finance.goto(contract_url)
    finance.get_by_test_id("approve").click()
    status(finance, "contract-status", language, "Approved")
    rep.goto(contract_url)
    rep.get_by_test_id("sign").click()
    status(rep, "contract-status", language, "Signed")

    # The order under the contract, delivered in two shipments.
    rep.get_by_test_id("make-order").click()
    rep.locator("#id_promised_on").fill((today + timedelta(days=20)).isoformat())
    rep.get_by_test_id("save").click()
    status(rep, "order-status", language, "Draft")
    expect(rep.get_by_test_id("order-amount")).to_have_text("10880.00")
    order_url = rep.url
    first, second = today + timedelta(days=10), today + timedelta(days=20)
    rep.locator("#schedule").fill(f"{first.isoformat()} 6000.00\n{second.isoformat()} 4880.00")
    rep.get_by_test_id("save-schedule").click()
    expect(rep.get_by_test_id("shipments").locator("tbody tr")).to_have_count(2)

    # No credit profile, no credit: the confirmation puts the order on hold; finance clears it.
    rep.get_by_test_id("confirm-order").click()
    status(rep, "order-status", language, "Credit hold")
    order_number = Order.objects.get(contract__quote__opportunity=deal).number
    finance.goto(f"{base}/receivables/credit/holds/")
    hold = finance.get_by_test_id("hold-table").locator("tbody tr", has_text=order_number)
    expect(hold).to_contain_text("10880.00")
    hold.locator("input[name=note]").fill("pays on delivery")
    hold.get_by_test_id("approve-hold").click()
    alert(finance, seen(language, "Order %(order)s is confirmed.", order=order_number))
    rep.goto(order_url)
    status(rep, "order-status", language, "Confirmed")
    expect(rep.get_by_test_id("pause")).to_have_count(0)  # pausing is the supervisor's decision

    # The customer asks to hold the order for a few days: the supervisor pauses and resumes it.
    supervisor.goto(order_url)
    supervisor.get_by_test_id("pause-reason").fill("Customer site not ready")
    supervisor.get_by_test_id("pause").click()
    status(supervisor, "order-status", language, "Paused")
    expect(supervisor.get_by_test_id("pause-reason")).to_have_text("Customer site not ready")
    supervisor.get_by_test_id("resume").click()
    status(supervisor, "order-status", language, "Confirmed")

    # The rep asks to move the first delivery past the second; the manager approves.
    moved = today + timedelta(days=30)
    rep.reload()
    rep.get_by_test_id("change-date").fill(moved.isoformat())
    rep.get_by_test_id("change-reason").fill("Parts arrive late")
    rep.get_by_test_id("request-change").click()
    expect(rep.get_by_test_id("delivery-changes").locator("[data-status=pending]")).to_have_count(1)
    manager.goto(order_url)
    manager.get_by_test_id("delivery-changes").get_by_test_id("approve").click()
    expect(manager.get_by_test_id("delivery-changes").locator("[data-status=approved]")).to_have_count(1)
    expect(manager.get_by_test_id("promised-on")).to_have_text(moved.isoformat())

    # The first delivery ships; finance invoices it from the customer's lead-to-cash page.
    rep.goto(order_url)
    rep.get_by_test_id("ship-1").click()
    status(rep, "order-status", language, "Partly shipped")
    timeline = f"{base}/receivables/customers/{customer.pk}/timeline/"
    finance.goto(timeline)
    finance.get_by_test_id("timeline").locator("[data-kind=shipment] a", has_text="#1").click()
    finance.get_by_test_id("issue-invoice").click()
    first_invoice = Invoice.objects.get(shipment__order__number=order_number, shipment__sequence=1)
    alert(finance, seen(language, "Invoice %(number)s is issued.", number=first_invoice.number))
    status(finance, "invoice-status", language, "Open")
    expect(finance.get_by_test_id("invoice-allocated")).to_have_text("0.00")
    invoice_url = finance.url

    # Finance plans the contract's collection in two instalments.
    finance.goto(timeline)
    finance.get_by_test_id("timeline").locator("[data-kind=contract] a").click()
    finance.get_by_test_id("split-parts").fill("2")
    finance.get_by_test_id("split-first").fill((today + timedelta(days=30)).isoformat())
    finance.get_by_test_id("split").click()
    expect(finance.get_by_test_id("plan-amount-2")).to_have_value("5440.00")
    finance.get_by_test_id("save-plan").click()
    alert(finance, seen(language, "The collection plan is saved."))
    expect(finance.get_by_test_id("planned-total")).to_have_text("10880.00")
    plan_url = finance.url

    # The customer pays the first invoice: finance posts the receipt and allocates it.
    finance.goto(f"{base}/receivables/payments/new/")
    finance.locator("#id_customer").select_option(value=str(customer.pk))
    finance.locator("#id_amount").fill("6000.00")
    finance.locator("#id_reference").fill("ICBC 0042")
    finance.get_by_test_id("save").click()
    expect(finance.get_by_test_id("payment-allocated")).to_have_text("0.00")
    finance.get_by_test_id(f"allocate-{first_invoice.number}").fill("6000.00")
    finance.get_by_test_id("allocate").click()
    alert(finance, seen(language, "The payment is allocated."))
    expect(finance.get_by_test_id("payment-allocated")).to_have_text("6000.00")
    finance.goto(invoice_url)
    status(finance, "invoice-status", language, "Paid")
    expect(finance.get_by_test_id("invoice-allocated")).to_have_text("6000.00")
    finance.goto(plan_url)
    expect(finance.get_by_test_id("collected-total")).to_have_text("6000.00")

    # The second delivery ships and is invoiced; nobody pays it.
    rep.goto(order_url)
    rep.get_by_test_id("ship-2").click()
    status(rep, "order-status", language, "Shipped")
    finance.goto(timeline)
    finance.get_by_test_id("timeline").locator("[data-kind=shipment] a", has_text="#2").click()
    finance.get_by_test_id("issue-invoice").click()
    status(finance, "invoice-status", language, "Open")
    unpaid = Invoice.objects.get(shipment__order__number=order_number, shipment__sequence=2)
    assert unpaid.amount == 4880 and unpaid.due_on == today + timedelta(days=30)

    # Twenty days past its due date the nightly run escalates it up the rep's line, to the
    # supervisor, who finds it on the workbench with the amount and how late it is.
    call_command("run_dunning", today=(unpaid.due_on + timedelta(days=20)).isoformat())
    supervisor.goto(f"{base}/receivables/workbench/")
    row = supervisor.get_by_test_id("workbench-escalated").locator(f"tr[data-invoice='{unpaid.pk}']")
    expect(row).to_contain_text(unpaid.number)
    expect(row).to_contain_text(customer.name)
    expect(row.get_by_test_id("escalated-amount")).to_have_text("4880.00")
    expect(row.get_by_test_id("escalated-days")).to_have_text(days_overdue(language, 20))
    expect(row).to_contain_text(seen(language, "Supervisor"))
    row.get_by_role("link", name=unpaid.number).click()
    notices = supervisor.get_by_test_id("dunning-notices")
    expect(notices.locator("[data-level=supervisor]")).to_contain_text(org.supervisor.full_name)
    # The rep's own workbench lists no escalation to them; the paid invoice escalated nowhere.
    rep.goto(f"{base}/receivables/workbench/")
    expect(rep.get_by_test_id("workbench-escalated")).to_have_count(0)
    assert not first_invoice.dunning_notices.exists()
