"""Budget and expense pages: who opens what (another team's rep gets 404), forms that call the
services, the HTMX month editor, and lists that read in the same queries for 3 rows as for 30."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from salesdesk.budgets.models import Budget, Expense, ExpenseCategory, ExpenseStatus
from tests.budgets import factories as f


@pytest.fixture
def travel(org):
    return f.category(org.company)


def _client(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("name", "rep", "supervisor", "manager", "finance", "outsider"),
    [
        ("budgets:budget_list", 200, 200, 200, 200, 403),
        ("budgets:budget_create", 403, 403, 200, 403, 403),
        ("budgets:expense_list", 200, 200, 200, 200, 403),
        ("budgets:expense_create", 200, 200, 200, 403, 403),
        ("budgets:approval_inbox", 403, 200, 200, 200, 403),
        ("budgets:weekly_costs", 403, 200, 200, 200, 403),
        ("budgets:settings", 403, 403, 403, 403, 403),
    ],
)
def test_who_opens_which_page(org, travel, name, rep, supervisor, manager, finance, outsider):
    for person, status in (
        ("rep", rep),
        ("supervisor", supervisor),
        ("manager", manager),
        ("finance", finance),
        ("outsider", outsider),
    ):
        assert _client(getattr(org, person)).get(reverse(name)).status_code == status, person
    assert _client(org.admin).get(reverse("budgets:settings")).status_code == 200


def test_another_teams_rep_gets_404_on_records(org, travel, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    budget = f.budget(org.units.e1, travel, by=org.director)
    expense = f.expense(org.rep, travel)
    from salesdesk.budgets import services

    attachment = services.add_attachment(
        acting_user=org.rep, expense=expense, upload=SimpleUploadedFile("a.png", b"1")
    )
    stranger = _client(org.other_rep)
    for url in (
        reverse("budgets:budget_detail", args=[budget.pk]),
        reverse("budgets:expense_detail", args=[expense.pk]),
        reverse("budgets:expense_edit", args=[expense.pk]),
        reverse("budgets:attachment_download", args=[attachment.pk]),
    ):
        assert stranger.get(url).status_code == 404, url
    assert (
        stranger.post(reverse("budgets:expense_submit", args=[expense.pk]), {"version": 1}).status_code == 404
    )
    owner = _client(org.rep)
    response = owner.get(reverse("budgets:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"1"


def test_the_director_adds_a_budget_and_edits_a_month_with_htmx(org, travel):
    client = _client(org.director)
    response = client.post(
        reverse("budgets:budget_create"),
        {
            "unit": org.units.e1.pk,
            "category": travel.pk,
            "fiscal_year": 2026,
            "amount": "12000",
            "split_method": "even",
            "control_mode": "stop",
        },
    )
    budget = Budget.objects.get()
    assert response.status_code == 302 and response["Location"] == budget.get_absolute_url()
    page = client.get(budget.get_absolute_url()).content.decode()
    assert 'data-testid="month-2026-11"' in page and "1,000.00" in page
    november = budget.lines.get(month=date(2026, 11, 1))
    url = reverse("budgets:budget_line_edit", args=[november.pk])
    fragment = client.post(url, {"version": 1, "amount": "2500"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and 'id="budget-months"' in fragment.content.decode()
    assert "13,500.00" in fragment.content.decode()
    stale = client.post(url, {"version": 1, "amount": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="line-error"' in stale
    assert _client(org.rep).post(url, {"version": 2, "amount": "1"}).status_code == 403


def test_a_budget_form_refuses_a_duplicate_on_the_field(org, travel):
    f.budget(org.units.e1, travel, by=org.director)
    response = _client(org.director).post(
        reverse("budgets:budget_create"),
        {
            "unit": org.units.e1.pk,
            "category": travel.pk,
            "fiscal_year": 2026,
            "amount": "1",
            "split_method": "even",
            "control_mode": "warn",
        },
    )
    assert response.status_code == 200 and "already has a" in response.content.decode()


def test_filing_an_expense_blocked_by_a_stop_budget_keeps_the_form(org, travel):
    f.budget(org.units.e1, travel, "12000.00", mode="stop", by=org.director)
    client = _client(org.rep)
    data = {"category": travel.pk, "amount": "1500", "incurred_on": "2026-11-05", "description": "Flights"}
    response = client.post(reverse("budgets:expense_create"), {**data, "submit": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="form-error"' in page
    assert "¥1,500.00" in page and "¥1,000.00" in page and Expense.objects.count() == 0
    response = client.post(reverse("budgets:expense_create"), {**data, "amount": "200", "submit": "1"})
    expense = Expense.objects.get()
    assert response.status_code == 302 and expense.status == ExpenseStatus.SUBMITTED


def test_the_spender_saves_a_draft_with_a_receipt_and_the_supervisor_approves(
    org, travel, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    rep = _client(org.rep)
    data = {
        "category": travel.pk,
        "amount": "80",
        "incurred_on": timezone.localdate().isoformat(),
        "description": "Taxi",
        "file": SimpleUploadedFile("taxi.jpg", b"jpeg"),
    }
    rep.post(reverse("budgets:expense_create"), data)
    expense = Expense.objects.get()
    assert expense.status == "draft" and expense.attachments.get().name == "taxi.jpg"
    rep.post(reverse("budgets:expense_submit", args=[expense.pk]), {"version": expense.version})
    expense.refresh_from_db()
    supervisor = _client(org.supervisor)
    page = supervisor.get(expense.get_absolute_url()).content.decode()
    assert 'data-testid="approve-expense"' in page
    assert (
        'data-testid="approve-expense"'
        not in _client(org.manager_n).get(reverse("budgets:expense_list")).content.decode()
    )
    inbox = supervisor.get(reverse("budgets:approval_inbox")).content.decode()
    assert expense.number in inbox
    supervisor.post(
        reverse("budgets:expense_approve", args=[expense.pk]), {"version": expense.version, "comment": ""}
    )
    expense.refresh_from_db()
    assert expense.status == "approved"
    finance = _client(org.finance)
    finance.post(
        reverse("budgets:expense_pay", args=[expense.pk]),
        {"version": expense.version, "paid_on": expense.incurred_on},
    )
    expense.refresh_from_db()
    assert expense.status == "paid"


def test_a_refused_action_comes_back_as_a_message(org, travel):
    expense = f.expense(org.rep, travel, "300.00", submit=True)
    response = _client(org.supervisor).post(
        reverse("budgets:expense_reject", args=[expense.pk]),
        {"version": expense.version, "comment": ""},
        follow=True,
    )
    assert "Say why the expense is rejected." in response.content.decode()


def test_the_admin_keeps_categories_and_limits(org, travel):
    admin = _client(org.admin)
    admin.post(
        reverse("budgets:category_create"), {"new-code": "GIFT", "new-name": "礼品", "new-is_active": "on"}
    )
    gift = ExpenseCategory.objects.get(code="GIFT")
    admin.post(
        reverse("budgets:category_edit", args=[gift.pk]),
        {
            f"c{gift.pk}-version": 1,
            f"c{gift.pk}-code": "GIFT",
            f"c{gift.pk}-name": "礼品",
            f"c{gift.pk}-name_en": "Gifts",
        },
    )
    gift.refresh_from_db()
    assert gift.name_en == "Gifts" and gift.is_active is False
    response = admin.post(
        reverse("budgets:limits_edit"), {"supervisor": "8000", "manager": "30000"}, follow=True
    )
    assert "The approval limits were saved." in response.content.decode()


def test_the_weekly_cost_page_has_a_chart_and_a_table(org, travel):
    f.approve(f.expense(org.rep, travel, "300.00", on=date(2026, 11, 10), submit=True), org.supervisor)
    page = _client(org.manager).get(reverse("budgets:weekly_costs"), {"end_week": "2026-W47", "weeks": 4})
    html = page.content.decode()
    assert 'data-testid="cost-chart"' in html and 'data-testid="cost-table"' in html and "300.00" in html
    assert "echarts.min.js" in html and 'id="cost-chart-data"' in html
    fragment = _client(org.manager).get(
        reverse("budgets:weekly_costs"), {"end_week": "2026-W99", "weeks": 4}, HTTP_HX_REQUEST="true"
    )
    assert 'data-testid="cost-errors"' in fragment.content.decode()


def test_pages_speak_chinese(org, travel):
    f.budget(org.units.e1, travel, by=org.director)
    page = _client(org.rep, "zh-hans").get(reverse("budgets:budget_list")).content.decode()
    assert "差旅" in page


def _counts(client, urls) -> list[int]:
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        counts.append(len(queries))
    return counts


@pytest.mark.parametrize("viewer", ["supervisor", "finance", "manager"])
def test_lists_take_the_same_queries_for_3_and_30_rows(org, travel, viewer):
    client = _client(getattr(org, viewer))
    client.get("/")
    urls = [
        reverse("budgets:budget_list") + "?fiscal_year=2026",
        reverse("budgets:expense_list"),
        reverse("budgets:approval_inbox"),
        "/api/v1/budgets?fiscal_year=2026",
        "/api/v1/budgets/expenses",
        "/api/v1/budgets/approvals",
        "/api/v1/budgets/usage?period=2026",
    ]

    def add(n):
        for _ in range(n):
            category = f.category(org.company, f"C{Budget.objects.count()}", f"类{Budget.objects.count()}")
            f.budget(org.units.e1, category, "1200", mode="warn", by=org.director)
            f.expense(org.rep, category, "10.00", submit=True)

    add(3)
    small = _counts(client, urls)
    add(27)
    large = _counts(client, urls)
    assert small == large, dict(zip(urls, zip(small, large, strict=True), strict=True))
    if viewer == "supervisor":
        assert len(client.get("/api/v1/budgets/approvals").json()["items"]) == 30
    assert len(client.get("/api/v1/budgets/expenses").json()["items"]) == 30
    assert D(client.get("/api/v1/budgets?fiscal_year=2026").json()["items"][0]["pending"]) == D("10.00")
