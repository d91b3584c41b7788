import pytest
from playwright.sync_api import expect

from salesdesk.org.models import Employee
from tests.browser import login

pytestmark = pytest.mark.e2e


def test_rep_gets_404_for_another_teams_employee_and_403_for_editing(page, live_server, personas):
    login(page, live_server, "rep")

    response = page.goto(f"{live_server.url}/org/employees/{personas.employees.other_rep.pk}/")
    assert response.status == 404
    expect(page.locator(".empty-header")).to_have_text("404")
    expect(page.get_by_test_id("history-panel")).to_have_count(0)
    expect(page.get_by_text("Other_Rep")).to_have_count(0)

    own = personas.employees.rep.pk
    page.goto(f"{live_server.url}/org/employees/{own}/")
    expect(page.get_by_test_id("employee-level")).to_be_visible()
    expect(page.get_by_test_id("edit-employee")).to_have_count(0)  # no button for what they may not do

    response = page.goto(f"{live_server.url}/org/employees/{own}/edit/")
    assert response.status == 403
    expect(page.locator(".empty-header")).to_have_text("403")
    expect(page.get_by_test_id("save")).to_have_count(0)


def test_manager_raises_reps_level_and_history_records_it(page, live_server, personas):
    rep = personas.employees.rep
    login(page, live_server, "manager", language="en")
    page.goto(f"{live_server.url}/org/employees/{rep.pk}/")
    expect(page.get_by_test_id("employee-level")).to_have_text("New (新人)")
    history = page.get_by_test_id("history-panel").locator("li.list-group-item")
    entries_before = history.count()

    page.get_by_test_id("edit-employee").click()
    expect(page).to_have_url(f"{live_server.url}/org/employees/{rep.pk}/edit/")
    page.get_by_label("Level").select_option("senior")
    page.get_by_test_id("save").click()

    expect(page).to_have_url(f"{live_server.url}/org/employees/{rep.pk}/")
    expect(page.get_by_role("alert").filter(has_text="Rep was saved.")).to_be_visible()
    expect(page.get_by_test_id("employee-level")).to_have_text("Senior (资深)")
    expect(history).to_have_count(entries_before + 1)
    newest = history.first
    expect(newest).to_contain_text("Manager")
    expect(newest.locator(".change")).to_have_text(["level: New (新人) → Senior (资深)"])
    rep.refresh_from_db()
    assert rep.level == "senior"


def test_stale_edit_names_who_changed_the_record_and_overwrites_nothing(
    page, new_page, live_server, personas
):
    rep = personas.employees.rep
    edit_url = f"{live_server.url}/org/employees/{rep.pk}/edit/"
    login(page, live_server, "manager", language="en")
    page.goto(edit_url)
    page.get_by_label("Level").select_option("growing")

    # Meanwhile the director, at another desk, changes the same person and saves first.
    director = login(new_page(), live_server, "director", language="en")
    director.goto(edit_url)
    director.get_by_label("Level").select_option("senior")
    director.get_by_label("Phone").fill("13800000000")
    director.get_by_test_id("save").click()
    expect(director.get_by_test_id("employee-level")).to_have_text("Senior (资深)")

    page.get_by_test_id("save").click()

    error = page.get_by_test_id("form-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Director changed this record")
    expect(page).to_have_url(edit_url)
    expect(page.get_by_label("Level")).to_have_value("growing")  # their input stays, to re-apply
    rep = Employee.objects.get(pk=rep.pk)
    assert (rep.level, rep.phone, rep.updated_by.username) == ("senior", "13800000000", "director")

    page.goto(f"{live_server.url}/org/employees/{rep.pk}/")
    expect(page.get_by_test_id("employee-level")).to_have_text("Senior (资深)")
