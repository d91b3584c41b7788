"""Order to cash in the browser: finance plans a signed contract's collection, invoices the first
milestone, posts the customer's payment and allocates it, and sees the invoice paid; a rep's order
over the customer's credit limit goes on credit hold, finance approves it and the rep sees the order
confirmed. Each step checks what the person reads on the page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from salesdesk.receivables import services
from salesdesk.receivables.models import Invoice
from tests.browser import login
from tests.receivables import factories as f

pytestmark = pytest.mark.e2e


def test_collection_plan_to_paid_invoice(page, live_server, personas):
    org = personas
    contract = f.contract(org.rep, amount="10000.00")
    base = live_server.url
    first_due = timezone.localdate() + timedelta(days=30)

    finance = login(page, live_server, "finance", language="en")
    finance.goto(f"{base}/receivables/contracts/{contract.pk}/plan/")
    expect(finance.get_by_test_id("plan-table")).to_contain_text("No collection plan yet.")
    finance.get_by_test_id("split-parts").fill("2")
    finance.get_by_test_id("split-first").fill(first_due.isoformat())
    finance.get_by_test_id("split").click()
    expect(finance.get_by_test_id("plan-amount-2")).to_have_value("5000.00")
    finance.get_by_test_id("save-plan").click()
    expect(finance.get_by_role("alert")).to_contain_text("The collection plan is saved.")
    expect(finance.get_by_test_id("planned-total")).to_have_text("10000.00")
    expect(finance.get_by_test_id("plan-table").locator("tbody tr")).to_have_count(2)

    # The first milestone is invoiced: its invoice opens, due after the contract's payment term.
    finance.get_by_test_id("invoice-instalment-1").click()
    finance.get_by_test_id("issue-invoice").click()
    expect(finance.get_by_role("alert")).to_contain_text("is issued")
    expect(finance.get_by_test_id("invoice-status")).to_have_text("Open")
    expect(finance.get_by_test_id("invoice-allocated")).to_have_text("0.00")
    invoice = Invoice.objects.get(contract=contract)
    assert invoice.amount == Decimal("5000.00")
    invoice_url = finance.url

    # The customer pays; finance posts the receipt and allocates it to the invoice.
    finance.goto(f"{base}/receivables/payments/new/")
    finance.get_by_label("Customer", exact=True).select_option(value=str(contract.customer_id))
    finance.get_by_label("Amount", exact=True).fill("5000.00")
    finance.get_by_label("Bank reference").fill("ICBC 0042")
    finance.get_by_test_id("save").click()
    expect(finance.get_by_role("alert")).to_contain_text("is posted")
    expect(finance.get_by_test_id("payment-allocated")).to_have_text("0.00")
    finance.get_by_test_id(f"allocate-{invoice.number}").fill("5000.00")
    finance.get_by_test_id("allocate").click()
    expect(finance.get_by_role("alert")).to_contain_text("The payment is allocated.")
    expect(finance.get_by_test_id("payment-allocated")).to_have_text("5000.00")

    finance.goto(invoice_url)
    expect(finance.get_by_test_id("invoice-status")).to_have_text("Paid")
    expect(finance.get_by_test_id("invoice-allocated")).to_have_text("5000.00")
    finance.goto(f"{base}/receivables/contracts/{contract.pk}/plan/")
    expect(finance.get_by_test_id("collected-total")).to_have_text("5000.00")


def test_order_over_the_limit_waits_for_finance(page, new_page, live_server, personas):
    org = personas
    buyer = f.customer(org.rep, name="Over Limit Co")
    services.save_credit_profile(acting_user=org.finance, customer=buyer, credit_limit=Decimal("1000"))
    order = f.order(org.rep, customer_for=buyer, amount="1500.00")
    order_url = f"{live_server.url}{order.get_absolute_url()}"

    rep = login(page, live_server, "rep", language="en")
    rep.goto(order_url)
    expect(rep.get_by_test_id("order-status")).to_have_text("Draft")
    rep.get_by_test_id("confirm-order").click()
    expect(rep.get_by_role("alert")).to_contain_text("over its credit limit")
    expect(rep.get_by_test_id("order-status")).to_have_text("Credit hold")
    expect(rep.get_by_test_id("confirm-order")).to_have_count(0)

    finance = login(new_page(), live_server, "finance", language="en")
    finance.goto(f"{live_server.url}/receivables/credit/holds/")
    row = finance.get_by_test_id("hold-table").locator("tbody tr", has_text=order.number)
    expect(row).to_contain_text("Over Limit Co")
    expect(row).to_contain_text("1500.00")
    expect(row).to_contain_text("1000.00")
    row.get_by_label("Note").fill("customer pays on delivery")
    row.get_by_test_id("approve-hold").click()
    expect(finance.get_by_role("alert")).to_contain_text(f"Order {order.number} is confirmed.")
    expect(finance.get_by_test_id("hold-table")).not_to_contain_text(order.number)

    rep.goto(order_url)
    expect(rep.get_by_test_id("order-status")).to_have_text("Confirmed")
    expect(rep.get_by_text("Credit checked", exact=True)).to_be_visible()
