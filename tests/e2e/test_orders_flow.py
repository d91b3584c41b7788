"""Lead to delivery in the browser: a quote whose discount needs the supervisor, a contract through
review and signing, an order paused and resumed by the supervisor, and a delivery change the
manager approves. Each person sees only the buttons that are theirs."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from salesdesk.orders.models import Order
from tests.browser import login
from tests.orders import factories

pytestmark = pytest.mark.e2e


def test_quote_to_delivery_change(page, new_page, live_server, personas):
    org = personas
    deal = factories.deal_with_lines(org.rep, org.company, won=True, name="Servo 伺服")
    product = deal.lines.get().product
    base = live_server.url

    # The rep quotes the deal with an 8 % discount: beyond a rep's 5 %, so the supervisor approves.
    rep = login(page, live_server, "rep", language="en")
    rep.goto(f"{base}/orders/quotes/new/?opportunity={deal.pk}")
    rep.get_by_test_id("save").click()
    expect(rep.get_by_test_id("quote-status")).to_have_text("Draft")
    rep.get_by_label("Product", exact=True).select_option(value=str(product.pk))
    rep.get_by_label("Quantity", exact=True).fill("1")
    rep.get_by_label("Discount (%)", exact=True).fill("8")
    rep.get_by_test_id("add-line").click()
    expect(rep.get_by_test_id("quote-discount")).to_have_text("8.00")
    rep.get_by_test_id("submit-quote").click()
    expect(rep.get_by_test_id("quote-status")).to_have_text("Awaiting approval")
    expect(rep.get_by_test_id("approver-role")).to_have_text("Sales supervisor")
    expect(rep.get_by_test_id("approve")).to_have_count(0)
    quote_url = rep.url

    supervisor = login(new_page(), live_server, "supervisor", language="en")
    supervisor.goto(quote_url)
    supervisor.get_by_test_id("decision-comment").fill("ok for a first order")
    supervisor.get_by_test_id("approve").click()
    expect(supervisor.get_by_test_id("quote-status")).to_have_text("Approved")

    # The rep makes the contract from the approved quote and submits it for review.
    rep.goto(quote_url)
    rep.get_by_test_id("make-contract").click()
    rep.get_by_test_id("save").click()
    expect(rep.get_by_test_id("contract-status")).to_have_text("Draft")
    rep.get_by_test_id("submit-contract").click()
    expect(rep.get_by_test_id("contract-status")).to_have_text("In review")
    expect(rep.get_by_test_id("approve")).to_have_count(0)
    contract_url = rep.url

    supervisor.goto(contract_url)
    supervisor.get_by_test_id("approve").click()
    expect(supervisor.get_by_test_id("reviews").locator("[data-decision=approved]")).to_have_count(1)
    expect(supervisor.get_by_test_id("approve")).to_have_count(0)  # the next step is finance's

    finance = login(new_page(), live_server, "finance", language="en")
    finance.goto(contract_url)
    finance.get_by_test_id("approve").click()
    expect(finance.get_by_test_id("contract-status")).to_have_text("Approved")
    expect(finance.get_by_test_id("sign")).to_have_count(0)

    rep.goto(contract_url)
    rep.get_by_test_id("sign").click()
    expect(rep.get_by_test_id("contract-status")).to_have_text("Signed")

    # The rep places the order under the signed contract.
    rep.get_by_test_id("make-order").click()
    promised = timezone.localdate() + timedelta(days=30)
    rep.get_by_label("Promised delivery", exact=True).fill(promised.isoformat())
    rep.get_by_test_id("save").click()
    expect(rep.get_by_test_id("order-status")).to_have_text("Draft")
    order_url = rep.url
    order = Order.objects.get(contract__quote__number__isnull=False, owner=org.rep)

    # Confirmation is the receivables app's (credit check); use its button when it is there.
    confirm = rep.get_by_test_id("confirm-order")
    if confirm.count():
        confirm.click()
        rep.goto(order_url)
    order.refresh_from_db()
    if order.status != "confirmed":
        factories.confirm(order, org.finance)
    rep.goto(order_url)
    expect(rep.get_by_test_id("order-status")).to_have_text("Confirmed")
    expect(rep.get_by_test_id("pause")).to_have_count(0)  # pausing is the supervisor's decision

    supervisor.goto(order_url)
    supervisor.get_by_test_id("pause-reason").fill("Customer site not ready")
    supervisor.get_by_test_id("pause").click()
    expect(supervisor.get_by_test_id("order-status")).to_have_text("Paused")
    expect(supervisor.get_by_test_id("pause-reason")).to_have_text("Customer site not ready")
    supervisor.get_by_test_id("resume").click()
    expect(supervisor.get_by_test_id("order-status")).to_have_text("Confirmed")

    # The rep asks to move the delivery; the manager approves it.
    new_date = promised + timedelta(days=14)
    rep.reload()
    rep.get_by_test_id("change-date").fill(new_date.isoformat())
    rep.get_by_test_id("change-reason").fill("Parts arrive late")
    rep.get_by_test_id("request-change").click()
    changes = rep.get_by_test_id("delivery-changes")
    expect(changes.locator("[data-status=pending]")).to_have_count(1)
    expect(changes.get_by_test_id("approve")).to_have_count(0)

    manager = login(new_page(), live_server, "manager", language="en")
    manager.goto(order_url)
    manager.get_by_test_id("delivery-changes").get_by_test_id("approve").click()
    expect(manager.get_by_test_id("delivery-changes").locator("[data-status=approved]")).to_have_count(1)
    expect(manager.get_by_test_id("promised-on")).to_have_text(new_date.isoformat())


def test_a_manager_terminates_a_signed_contract(page, new_page, live_server, personas):
    org = personas
    contract = factories.signed_contract(org.rep, org.company, approvers=[org.supervisor, org.finance])
    url = f"{live_server.url}/orders/contracts/{contract.pk}/"

    rep = login(page, live_server, "rep", language="en")
    rep.goto(url)
    expect(rep.get_by_test_id("make-order")).to_be_visible()
    expect(rep.get_by_test_id("terminate")).to_have_count(0)  # a manager's decision

    manager = login(new_page(), live_server, "manager", language="en")
    manager.goto(url)
    manager.get_by_test_id("terminate").click()  # without a reason the browser asks for one
    expect(manager.get_by_test_id("contract-status")).to_have_text("Signed")
    manager.get_by_test_id("terminate-reason").fill("Customer closed the Wuxi plant")
    manager.get_by_test_id("terminate").click()
    expect(manager.get_by_role("alert").filter(has_text="The contract was terminated.")).to_be_visible()
    expect(manager.get_by_test_id("contract-status")).to_have_text("Terminated")
    expect(manager.get_by_test_id("termination-reason")).to_have_text("Customer closed the Wuxi plant")
    expect(manager.get_by_test_id("terminated-on")).to_contain_text(timezone.localdate().isoformat())
    expect(manager.get_by_test_id("terminate")).to_have_count(0)

    rep.reload()
    expect(rep.get_by_test_id("contract-ended")).to_be_visible()
    expect(rep.get_by_test_id("make-order")).to_have_count(0)
    rep.goto(f"{live_server.url}/orders/new/?contract={contract.pk}")
    expect(rep.get_by_label("Signed contract")).not_to_contain_text(contract.number)
