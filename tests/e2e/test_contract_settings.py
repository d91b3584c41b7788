"""The contract review settings page in a real browser: the sales director raises the finance
step's threshold, adds a legal step with a named reviewer, deactivates the supervisor step and
sees the next contract follow the new policy; an administrator who edits a step the director has
just changed is told who changed it; a rep is refused the page."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from salesdesk.orders import services
from salesdesk.orders.models import ContractReviewStep
from tests.browser import login
from tests.orders import factories

pytestmark = pytest.mark.e2e


def test_the_director_configures_the_contract_review(page, new_page, live_server, personas):
    org = personas
    base = live_server.url
    director = login(page, live_server, "director", language="en")
    director.goto(f"{base}/orders/contracts/")
    director.get_by_test_id("review-settings").click()
    expect(director).to_have_url(f"{base}/orders/settings/review-steps/")
    expect(director.get_by_test_id("review-steps").locator("tbody tr")).to_have_count(5)

    # An administrator opens the page too, before the director's changes.
    admin = login(new_page(), live_server, "admin", language="en")
    admin.goto(f"{base}/orders/settings/review-steps/")

    # The finance step now starts at 50,000.
    threshold = "From contract value of step 40"
    director.get_by_label(threshold).fill("50000")
    director.get_by_test_id("step-40").get_by_test_id("save-step").click()
    expect(director.get_by_role("alert").filter(has_text="was saved.")).to_be_visible()
    expect(director.get_by_label(threshold)).to_have_value("50000.00")
    expect(director.get_by_test_id("step-40").get_by_test_id("step-changed")).to_contain_text("Director")

    # A legal step for non-standard terms, decided by a named person.
    form = director.get_by_test_id("new-step-form")
    expect(form.get_by_label("Order", exact=True)).to_have_value("60")
    form.get_by_label("Step", exact=True).fill("External counsel")
    form.get_by_label("Reviewer position").select_option(label="System administrator")
    form.get_by_label("Named reviewer").select_option(label="Finance")
    form.get_by_label("Applies to").select_option(label="Only non-standard terms (legal review)")
    director.get_by_test_id("add-step").click()
    expect(director.get_by_role("alert").filter(has_text="Step External counsel was added.")).to_be_visible()
    legal = director.get_by_test_id("step-60")
    expect(legal.get_by_label("Named reviewer of step 60")).to_have_value(str(org.finance.pk))
    expect(legal.get_by_label("Contracts step 60 applies to")).to_have_value("True")

    # The supervisor step is switched off; it stays listed as inactive.
    director.get_by_test_id("step-10").get_by_test_id("deactivate-step").click()
    expect(director.get_by_role("alert").filter(has_text="was deactivated.")).to_be_visible()
    expect(director.get_by_test_id("step-10").get_by_test_id("step-status")).to_have_text("Inactive")
    expect(director.get_by_test_id("step-10").get_by_test_id("activate-step")).to_be_visible()

    # A standard 10,000 contract now needs no review at all; a non-standard one goes to legal.
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=deal)
    contract = services.submit_contract(
        acting_user=org.rep, contract=contract, expected_version=contract.version
    )
    assert contract.status == "approved" and not contract.reviews.exists()
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=deal, payment_days=90)
    contract = services.submit_contract(
        acting_user=org.rep, contract=contract, expected_version=contract.version
    )
    assert [(r.name, r.reviewer) for r in contract.reviews.all()] == [
        ("法务审核 Legal review", None),
        ("External counsel", org.finance),
    ]

    # The administrator's page still shows the old finance step: saving it is refused, with who and why.
    stale = admin.get_by_test_id("step-40")
    stale.get_by_label("Name of step 40").fill("Finance check")
    stale.get_by_test_id("save-step").click()
    expect(admin.get_by_test_id("step-40").get_by_test_id("step-error")).to_contain_text(
        "Director changed this record"
    )
    step = ContractReviewStep.objects.get(company=org.company, sequence=40)
    assert (step.name, step.min_amount) == ("财务审核 Finance review", Decimal(50000))
    admin.goto(f"{base}/orders/settings/review-steps/")  # the reload the message asks for
    expect(admin.get_by_label(threshold)).to_have_value("50000.00")


def test_a_rep_is_refused_the_review_settings(page, live_server, personas):
    login(page, live_server, "rep", language="en")
    response = page.goto(f"{live_server.url}/orders/settings/review-steps/")
    assert response.status == 403
    expect(page.locator(".empty-header")).to_have_text("403")
    page.goto(f"{live_server.url}/orders/contracts/")
    expect(page.get_by_test_id("renewals")).to_be_visible()
    expect(page.get_by_test_id("review-settings")).to_have_count(0)
