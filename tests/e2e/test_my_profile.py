import pytest
from playwright.sync_api import expect

from tests.browser import login

pytestmark = pytest.mark.e2e


def test_api_token_is_shown_once_works_and_stops_working_when_revoked(
    page, playwright, live_server, personas
):
    login(page, live_server, "rep", language="en")
    page.goto(f"{live_server.url}/org/me/")
    expect(page.get_by_test_id("new-token")).to_have_count(0)

    page.get_by_label("Token name").fill("ERP sync")
    page.get_by_role("button", name="Create token").click()

    shown = page.get_by_test_id("new-token")
    expect(shown).to_be_visible()
    key = shown.inner_text().strip()
    assert key.startswith("sd_")
    assert len(key) > 20

    # A client with no browser session: only the token can authenticate it.
    api = playwright.request.new_context(base_url=live_server.url)
    try:
        me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
        assert me.status == 200
        assert me.json()["user"]["username"] == "rep"

        page.goto(f"{live_server.url}/org/me/")
        expect(page.get_by_test_id("new-token")).to_have_count(0)  # never shown again
        token_row = page.locator("li.list-group-item", has_text="ERP sync")
        expect(token_row).to_contain_text(key[:10])
        token_row.get_by_role("button", name="Revoke").click()

        expect(page.get_by_role("alert").filter(has_text="The token ERP sync was revoked.")).to_be_visible()
        expect(page.locator("li.list-group-item", has_text="ERP sync")).to_contain_text("revoked")
        me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
        assert me.status == 401
        assert me.json()["code"] == "unauthenticated"
    finally:
        api.dispose()
