"""The collection settings page in a real browser: finance changes, adds and removes aging
buckets and sees why an overlapping or unordered bucket is refused next to the field; moves and
removes dunning steps (a step that has notified someone is deactivated, then reactivated); is
told who changed a bucket after the page was opened; sets the collection policy. The director
reads the page in Chinese without a button to change it; a rep is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from salesdesk.receivables import dunning
from salesdesk.receivables.models import AgingBucket, CollectionPolicy, DunningStep
from tests.browser import login
from tests.receivables.test_aging_support import invoice

pytestmark = pytest.mark.e2e


def test_finance_configures_buckets_with_reasons_next_to_the_fields(page, new_page, live_server, personas):
    finance = login(page, live_server, "finance", language="en")
    finance.goto(f"{live_server.url}/receivables/aging/")
    finance.get_by_test_id("collection-settings").click()
    expect(finance).to_have_url(f"{live_server.url}/receivables/settings/")
    buckets = finance.get_by_test_id("bucket-table")
    expect(buckets.locator("tbody tr")).to_have_count(7)
    expect(finance.get_by_test_id("bucket-0").get_by_test_id("bucket-label")).to_have_text("Not yet due")
    expect(finance.get_by_test_id("bucket-0").get_by_test_id("delete-bucket")).to_have_count(0)
    expect(finance.get_by_test_id("bucket-open").get_by_test_id("delete-bucket")).to_have_count(0)

    # A new bound splits 31–60 days in two.
    form = finance.get_by_test_id("new-bucket-form")
    form.get_by_label("Up to days overdue").fill("45")
    form.get_by_label("Provision (%)").fill("3")
    finance.get_by_test_id("add-bucket").click()
    expect(finance.get_by_role("alert").filter(has_text="The aging buckets were saved.")).to_be_visible()
    expect(finance.get_by_test_id("bucket-45").get_by_test_id("bucket-label")).to_have_text("31–45 days")
    expect(finance.get_by_test_id("bucket-60").get_by_test_id("bucket-label")).to_have_text("46–60 days")

    # Overlapping: the same bound twice is refused next to the bound.
    row = finance.get_by_test_id("bucket-45")
    row.get_by_test_id("max-days").fill("60")
    row.get_by_test_id("save-bucket").click()
    expect(finance.get_by_test_id("max-days-error")).to_have_text(
        "Bucket bounds must be different numbers of days, 0 or more."
    )
    # Unordered: an older bucket with a lower provision is refused next to the percentage.
    row = finance.get_by_test_id("bucket-45")
    row.get_by_test_id("max-days").fill("45")
    row.get_by_test_id("provision-percent").fill("0.5")
    row.get_by_test_id("save-bucket").click()
    expect(finance.get_by_test_id("provision-percent-error")).to_have_text(
        "An older bucket cannot have a lower provision percentage than a younger one."
    )
    assert AgingBucket.objects.get(company=personas.company, max_days=45).provision_percent == 3

    # Someone else changes 61–90 days after finance opened the page: finance is told who.
    finance.goto(f"{live_server.url}/receivables/settings/")
    admin = login(new_page(), live_server, "admin", language="en")
    admin.goto(f"{live_server.url}/receivables/settings/")
    admin.get_by_test_id("bucket-90").get_by_test_id("provision-percent").fill("12")
    admin.get_by_test_id("bucket-90").get_by_test_id("save-bucket").click()
    expect(admin.get_by_role("alert").filter(has_text="The aging buckets were saved.")).to_be_visible()
    finance.get_by_test_id("bucket-90").get_by_test_id("provision-percent").fill("15")
    finance.get_by_test_id("bucket-90").get_by_test_id("save-bucket").click()
    expect(finance.get_by_test_id("bucket-90").get_by_test_id("form-error")).to_contain_text(
        "Admin changed this record at"
    )
    finance.goto(f"{live_server.url}/receivables/settings/")
    expect(finance.get_by_test_id("bucket-90").get_by_test_id("provision-percent")).to_have_value("12.00")

    # Removing the bound joins its invoices to the next bucket again.
    finance.get_by_test_id("bucket-45").get_by_test_id("delete-bucket").click()
    expect(finance.get_by_role("alert").filter(has_text="The bucket was removed.")).to_be_visible()
    expect(finance.get_by_test_id("bucket-45")).to_have_count(0)
    expect(finance.get_by_test_id("bucket-60").get_by_test_id("bucket-label")).to_have_text("31–60 days")


def test_finance_edits_the_dunning_ladder_and_the_policy(page, live_server, personas):
    # One invoice 20 days overdue: the supervisor's step (15 days) has notified someone.
    today = timezone.localdate()
    invoice(personas.rep, issued_on=today - timedelta(days=50), due_on=today - timedelta(days=20))
    dunning.run_dunning(today=today, company_id=personas.company.pk)

    finance = login(page, live_server, "finance", language="en")
    finance.goto(f"{live_server.url}/receivables/settings/")
    steps = finance.get_by_test_id("step-table")
    expect(steps.locator("tbody tr")).to_have_count(6)

    # A new step must not notify someone lower than the step before it.
    form = finance.get_by_test_id("new-step-form")
    form.get_by_label("Days overdue").fill("45")
    form.get_by_label("Notify").select_option("rep")
    finance.get_by_test_id("add-step").click()
    expect(finance.get_by_test_id("new-step-form")).to_contain_text("cannot notify someone lower in the line")
    form = finance.get_by_test_id("new-step-form")
    form.get_by_label("Days overdue").fill("45")
    form.get_by_label("Notify").select_option("manager")
    finance.get_by_test_id("add-step").click()
    expect(finance.get_by_role("alert").filter(has_text="The dunning ladder was saved.")).to_be_visible()
    expect(finance.get_by_test_id("step-45")).to_contain_text("45 days overdue: Manager")

    # Moving the manager's step onto the director's day is refused next to the days.
    row = finance.get_by_test_id("step-45")
    row.get_by_test_id("days-overdue").fill("60")
    row.get_by_test_id("save-step").click()
    expect(finance.get_by_test_id("days-overdue-error")).to_have_text(
        "Give each step of the ladder a different number of days."
    )
    finance.goto(f"{live_server.url}/receivables/settings/")
    finance.get_by_test_id("step-45").get_by_test_id("delete-step").click()
    expect(finance.get_by_role("alert").filter(has_text="The step was deleted.")).to_be_visible()
    expect(finance.get_by_test_id("step-45")).to_have_count(0)

    # The supervisor's step has notified someone: its days stay, and it is deactivated, not deleted.
    supervisor_step = finance.get_by_test_id("step-15")
    expect(supervisor_step.get_by_test_id("days-overdue")).to_have_count(0)
    expect(supervisor_step.get_by_test_id("delete-step")).to_have_count(0)
    supervisor_step.get_by_test_id("deactivate-step").click()
    expect(
        finance.get_by_role("alert").filter(has_text="The step has sent notices, so it was deactivated")
    ).to_be_visible()
    expect(finance.get_by_test_id("step-15").get_by_test_id("step-status")).to_have_text("Inactive")
    assert DunningStep.objects.get(company=personas.company, days_overdue=15).is_active is False
    finance.get_by_test_id("step-15").get_by_test_id("reactivate-step").click()
    expect(finance.get_by_role("alert").filter(has_text="The step is active again.")).to_be_visible()
    expect(finance.get_by_test_id("step-15").get_by_test_id("step-status")).to_have_text("Active")

    # The policy: bad debt before doubtful debt is refused next to the field; then saved.
    policy = finance.get_by_test_id("policy-form")
    policy.get_by_label("Doubtful after (days overdue)").fill("90")
    policy.get_by_label("Bad after (days overdue)").fill("60")
    finance.get_by_test_id("save-policy").click()
    expect(finance.get_by_test_id("policy-form")).to_contain_text(
        "Bad debt must start later than doubtful debt, and both after the due date."
    )
    policy = finance.get_by_test_id("policy-form")
    policy.get_by_label("Bad after (days overdue)").fill("270")
    policy.get_by_label("Legal contact").select_option(label="Admin")
    finance.get_by_test_id("save-policy").click()
    expect(finance.get_by_role("alert").filter(has_text="The collection policy was saved.")).to_be_visible()
    saved = CollectionPolicy.objects.get(company=personas.company)
    assert (saved.doubtful_after_days, saved.bad_after_days, saved.legal_user) == (90, 270, personas.admin)


def test_the_director_reads_the_settings_and_a_rep_is_refused(page, new_page, live_server, personas):
    director = login(page, live_server, "director", language="zh-hans")
    director.goto(f"{live_server.url}/receivables/aging/")
    director.get_by_test_id("collection-settings").click()
    expect(director.get_by_test_id("bucket-table")).to_contain_text("计提比例（%）")
    expect(director.get_by_test_id("bucket-0").get_by_test_id("bucket-label")).to_have_text("未到期")
    expect(director.get_by_test_id("bucket-open").get_by_test_id("provision-percent")).to_have_text("100.00")
    expect(director.get_by_test_id("save-bucket")).to_have_count(0)
    expect(director.get_by_test_id("policy-form")).to_have_count(0)
    expect(director.get_by_test_id("step-90").get_by_test_id("notify")).to_have_text("法务")

    rep = login(new_page(), live_server, "rep", language="en")
    response = rep.goto(f"{live_server.url}/receivables/settings/")
    assert response.status == 403
    expect(rep.locator(".empty-header")).to_have_text("403")
    for path in ("/receivables/aging/", "/receivables/workbench/"):
        rep.goto(f"{live_server.url}{path}")
        expect(rep.get_by_test_id("collection-settings")).to_have_count(0)
