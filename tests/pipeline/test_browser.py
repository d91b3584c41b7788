"""The kanban board in a real browser: drag and drop, the keyboard alternative, and losing a deal."""

import pytest
from playwright.sync_api import expect

from salesdesk.pipeline.models import Opportunity
from tests.browser import login
from tests.pipeline import factories

pytestmark = pytest.mark.e2e


def test_rep_moves_a_deal_across_the_board_and_marks_it_lost(page, live_server, personas):
    deal = factories.deal(personas.rep, name="Pumps for Wuxi")
    board = login(page, live_server, "rep", language="en")
    board.goto(f"{live_server.url}/pipeline/board/")
    card = board.get_by_test_id(f"card-{deal.pk}")
    expect(board.get_by_test_id("column-lead").get_by_test_id(f"card-{deal.pk}")).to_be_visible()

    # Drag and drop onto the next stage.
    card.drag_to(board.get_by_test_id("column-needs"))
    expect(board.get_by_test_id("column-needs").get_by_test_id(f"card-{deal.pk}")).to_be_visible()
    expect(board.get_by_test_id("column-lead").get_by_test_id(f"card-{deal.pk}")).to_have_count(0)

    # The keyboard alternative: choose the stage on the card and press Move.
    card = board.get_by_test_id(f"card-{deal.pk}")
    card.get_by_label("Stage for Pumps for Wuxi").select_option(label="Proposal")
    card.get_by_role("button", name="Move").focus()
    board.keyboard.press("Enter")
    expect(board.get_by_test_id("column-proposal").get_by_test_id(f"card-{deal.pk}")).to_be_visible()

    # Lost asks why.
    card = board.get_by_test_id(f"card-{deal.pk}")
    card.get_by_label("Stage for Pumps for Wuxi").select_option(label="Lost")
    card.get_by_role("button", name="Move").click()
    dialog = board.get_by_test_id("loss-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Loss reason").select_option(label="Price")
    dialog.get_by_label("Note").fill("A competitor was 15% cheaper")
    dialog.get_by_role("button", name="Mark lost").click()
    expect(board.get_by_test_id("column-lost").get_by_test_id(f"card-{deal.pk}")).to_be_visible()
    expect(board.get_by_test_id("loss-dialog")).to_have_count(0)

    deal = Opportunity.objects.select_related("stage", "loss_reason").get(pk=deal.pk)
    assert (deal.stage.code, deal.loss_reason.code, deal.probability) == ("lost", "price", 0)
    assert [c.to_stage.code for c in deal.stage_changes.order_by("id")] == [
        "lead",
        "needs",
        "proposal",
        "lost",
    ]
