"""Configuring the pipeline: stages (order, probabilities, forecast categories, activity) and loss
reasons. Only administrators of the company do it; every rule is the service's."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from salesdesk.core.access import AccessDenied
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.models import AuditEvent
from salesdesk.pipeline import rules, selectors, services
from salesdesk.pipeline.models import LossReason, Stage
from tests.org.factories import EmployeeFactory, OrgUnitFactory
from tests.pipeline import factories


def _codes(company) -> list[str]:
    return [s.code for s in Stage.objects.filter(company=company).order_by("position")]


def _stage(org, code: str) -> Stage:
    return factories.stage(org.company, code)


def _update(org, code: str, **changes) -> Stage:
    return services.update_stage(acting_user=org.admin, stage=_stage(org, code), changes=changes)


def _refusal(call) -> BusinessRuleViolation:
    with pytest.raises(BusinessRuleViolation) as caught:
        call()
    return caught.value


# The pure rules


@pytest.mark.parametrize(
    ("outcome", "probability", "category", "fields"),
    [
        ("open", 35, "pipeline", set()),
        ("open", 0, "omitted", set()),
        ("open", 101, "pipeline", {"probability"}),
        ("open", -1, "pipeline", {"probability"}),
        ("open", 90, "closed", {"forecast_category"}),  # closed is for won deals only
        ("won", 100, "closed", set()),
        ("won", 90, "closed", {"probability"}),
        ("won", 100, "commit", {"forecast_category"}),
        ("lost", 0, "omitted", set()),
        ("lost", 5, "omitted", {"probability"}),
        ("lost", 0, "pipeline", {"forecast_category"}),
    ],
)
def test_stage_settings_rules(outcome, probability, category, fields):
    problems = rules.stage_problems(outcome=outcome, probability=probability, forecast_category=category)
    assert set(problems) == fields


@pytest.mark.parametrize(
    ("name_en", "taken", "code"),
    [
        ("Technical review", set(), "technical_review"),
        ("Technical review", {"technical_review"}, "technical_review_2"),
        ("Technical review", {"technical_review", "technical_review_2"}, "technical_review_3"),
        ("技术评审", set(), "stage"),
        ("A" * 60, set(), "a" * 26),
    ],
)
def test_new_codes_come_from_the_english_name_and_never_clash(name_en, taken, code):
    assert rules.new_code(name_en, taken, fallback="stage") == code


@pytest.mark.parametrize(
    ("moving", "direction", "order"),
    [(2, "up", [2, 1, 3]), (2, "down", [1, 3, 2]), (1, "up", None), (3, "down", None)],
)
def test_moving_swaps_with_the_neighbour(moving, direction, order):
    assert rules.moved([1, 2, 3], moving, direction) == order


# Stages


def test_an_admin_changes_a_stages_names_probability_and_category_with_an_audit_row(org):
    stage = _update(org, "needs", name="需求确认", name_en="Needs confirmed", probability=35,
                    forecast_category="best_case")  # fmt: skip
    stage.refresh_from_db()
    assert (stage.name, stage.name_en, stage.probability, stage.forecast_category) == (
        "需求确认",
        "Needs confirmed",
        35,
        "best_case",
    )
    event = AuditEvent.objects.get(action="stage_updated", object_id=str(stage.pk))
    assert event.details["changes"]["probability"] == [20, 35]


def test_a_new_probability_applies_to_deals_moving_in_from_now_on(org):
    waiting = factories.deal(org.rep)
    _update(org, "needs", probability=35)
    moved = services.move_opportunity(
        acting_user=org.rep, opportunity=waiting, stage=_stage(org, "needs"), expected_version=waiting.version
    )
    assert moved.probability == 35


@pytest.mark.parametrize("probability", [101, 250])
def test_probabilities_stay_between_0_and_100(org, probability):
    error = _refusal(lambda: _update(org, "proposal", probability=probability))
    assert "probability" in error.details["fields"]
    assert _stage(org, "proposal").probability == 40


def test_won_is_always_100_and_lost_always_0(org):
    assert "probability" in _refusal(lambda: _update(org, "won", probability=90)).details["fields"]
    assert "probability" in _refusal(lambda: _update(org, "lost", probability=10)).details["fields"]
    renamed = _update(org, "won", name="成交", probability=100)
    assert (renamed.name, renamed.probability) == ("成交", 100)


def test_only_the_won_stage_is_in_the_closed_forecast_category(org):
    error = _refusal(lambda: _update(org, "negotiation", forecast_category="closed"))
    assert "forecast_category" in error.details["fields"]
    error = _refusal(lambda: _update(org, "won", forecast_category="commit"))
    assert "forecast_category" in error.details["fields"]


def test_stage_names_are_unique_within_the_company(org):
    error = _refusal(lambda: _update(org, "needs", name="方案报价"))
    assert "方案报价" in error.details["fields"]["name"]
    error = _refusal(lambda: _update(org, "needs", name_en="proposal"))  # case does not make it another
    assert "name_en" in error.details["fields"]
    error = _refusal(
        lambda: services.create_stage(
            acting_user=org.admin, company=org.company, name="线索", name_en="Qualified lead", probability=15
        )
    )
    assert "name" in error.details["fields"]
    # Another company may use the same names.
    other = OrgUnitFactory(kind="company")
    other_admin = EmployeeFactory.with_role("admin", unit=other).user
    services.ensure_stages(other.company)
    stage = services.create_stage(
        acting_user=other_admin,
        company=other.company,
        name="技术评审",
        name_en="Technical review",
        probability=30,
    )
    assert (
        services.create_stage(
            acting_user=org.admin,
            company=org.company,
            name="技术评审",
            name_en="Technical review",
            probability=30,
        ).code
        == stage.code
    )


def test_a_new_stage_goes_to_the_chosen_place_before_won_and_lost(org):
    services.ensure_stages(org.company)
    stage = services.create_stage(
        acting_user=org.admin, company=org.company, name="技术评审", name_en="Technical review",
        probability=30, forecast_category="best_case", position=3,
    )  # fmt: skip
    assert (stage.code, stage.outcome, stage.is_active) == ("technical_review", "open", True)
    assert _codes(org.company) == [
        "lead",
        "needs",
        "technical_review",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ]
    last = services.create_stage(
        acting_user=org.admin, company=org.company, name="合同审批", name_en="Contract review", probability=85
    )
    assert _codes(org.company)[-3:] == [last.code, "won", "lost"]
    assert [s.code for s in selectors.stages(org.company.pk)][:3] == ["lead", "needs", "technical_review"]
    assert AuditEvent.objects.filter(action="stage_created").count() == 2


def test_a_place_outside_the_open_stages_is_refused(org):
    services.ensure_stages(org.company)
    error = _refusal(
        lambda: services.create_stage(
            acting_user=org.admin, company=org.company, name="X", name_en="X", probability=5, position=6
        )
    )
    assert "position" in error.details["fields"]


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_no_second_won_or_lost_stage_is_added(org, outcome):
    services.ensure_stages(org.company)
    error = _refusal(
        lambda: services.create_stage(
            acting_user=org.admin, company=org.company, name="再赢", name_en="Won again", probability=100,
            forecast_category="closed", outcome=outcome,
        )
    )  # fmt: skip
    assert error.details["field"] == "outcome"
    assert Stage.objects.filter(company=org.company, outcome=outcome).count() == 1


def test_a_stage_holding_open_deals_is_not_deactivated_and_says_how_many(org):
    factories.deal(org.rep)
    factories.deal(org.teammate)
    with translation.override("en"):
        error = _refusal(lambda: _update(org, "lead", is_active=False))
    assert error.details["open_deals"] == 2
    assert error.message == "Open deals at Lead: 2. Move them to another stage before deactivating it."
    assert _stage(org, "lead").is_active


def test_an_empty_open_stage_is_deactivated_and_leaves_the_board(org):
    stage = _update(org, "needs", is_active=False)
    assert not stage.is_active
    assert "needs" not in [s.code for s in selectors.stages(org.company.pk)]
    board = selectors.board(org.admin, today=timezone.localdate())
    assert [c.stage.code for c in board][:2] == ["lead", "proposal"]
    assert _update(org, "needs", is_active=True).is_active


@pytest.mark.parametrize("code", ["won", "lost"])
def test_won_and_lost_are_never_deactivated(org, code):
    error = _refusal(lambda: _update(org, code, is_active=False))
    assert error.details["field"] == "is_active"
    assert _stage(org, code).is_active


def test_the_last_active_open_stage_stays_active(org):
    for code in ("needs", "proposal", "negotiation"):
        _update(org, code, is_active=False)
    error = _refusal(lambda: _update(org, "lead", is_active=False))
    assert error.details["field"] == "is_active"


def test_open_stages_move_up_and_down_and_won_and_lost_stay_at_the_end(org):
    services.move_stage(acting_user=org.admin, stage=_stage(org, "proposal"), direction="up")
    assert _codes(org.company) == ["lead", "proposal", "needs", "negotiation", "won", "lost"]
    services.move_stage(acting_user=org.admin, stage=_stage(org, "lead"), direction="down")
    assert _codes(org.company) == ["proposal", "lead", "needs", "negotiation", "won", "lost"]
    with translation.override("en"):
        first = _refusal(
            lambda: services.move_stage(acting_user=org.admin, stage=_stage(org, "proposal"), direction="up")
        )
        last = _refusal(
            lambda: services.move_stage(
                acting_user=org.admin, stage=_stage(org, "negotiation"), direction="down"
            )
        )
    assert first.message == "Proposal is already the first stage."
    assert last.message == "Negotiation is already the last open stage."
    for code in ("won", "lost"):
        _refusal(
            lambda code=code: services.move_stage(
                acting_user=org.admin, stage=_stage(org, code), direction="up"
            )
        )
    assert _codes(org.company)[-2:] == ["won", "lost"]


@pytest.mark.parametrize("persona", ["director", "manager", "supervisor", "rep", "finance"])
def test_only_admins_configure_the_pipeline(org, persona):
    user = getattr(org, persona)
    stage = _stage(org, "needs")
    with pytest.raises(AccessDenied):
        services.update_stage(acting_user=user, stage=stage, changes={"probability": 50})
    with pytest.raises(AccessDenied):
        services.create_stage(acting_user=user, company=org.company, name="X", name_en="X", probability=5)
    with pytest.raises(AccessDenied):
        services.move_stage(acting_user=user, stage=stage, direction="up")
    with pytest.raises(AccessDenied):
        services.create_loss_reason(acting_user=user, company=org.company, name="X")


def test_an_admin_of_another_company_does_not_touch_this_pipeline(org):
    other = OrgUnitFactory(kind="company")
    other_admin = EmployeeFactory.with_role("admin", unit=other).user
    with pytest.raises(AccessDenied):
        services.update_stage(
            acting_user=other_admin, stage=_stage(org, "needs"), changes={"probability": 50}
        )
    with pytest.raises(AccessDenied):
        services.create_stage(
            acting_user=other_admin, company=org.company, name="X", name_en="X", probability=5
        )


# Loss reasons


def test_an_admin_adds_renames_and_deactivates_loss_reasons(org):
    services.ensure_stages(org.company)
    reason = services.create_loss_reason(
        acting_user=org.admin, company=org.company, name="交付周期长", name_en="Lead time"
    )
    assert (reason.code, reason.is_active) == ("lead_time", True)
    reason = services.update_loss_reason(acting_user=org.admin, reason=reason, changes={"name": "交期太长"})
    assert reason.name == "交期太长"
    services.update_loss_reason(acting_user=org.admin, reason=reason, changes={"is_active": False})
    assert reason.pk not in [r.pk for r in selectors.loss_reasons(org.company.pk)]
    assert reason.pk in [r.pk for r in selectors.loss_reason_settings(org.company.pk)]
    assert {"loss_reason_created", "loss_reason_updated"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_loss_reason_names_are_unique_within_the_company(org):
    services.ensure_stages(org.company)
    error = _refusal(
        lambda: services.create_loss_reason(acting_user=org.admin, company=org.company, name="价格")
    )
    assert "name" in error.details["fields"]
    price = LossReason.objects.get(company=org.company, code="price")
    error = _refusal(
        lambda: services.update_loss_reason(
            acting_user=org.admin, reason=price, changes={"name_en": "timing"}
        )
    )
    assert "name_en" in error.details["fields"]


def test_the_last_active_loss_reason_stays_active(org):
    services.ensure_stages(org.company)
    reasons = list(LossReason.objects.filter(company=org.company).order_by("id"))
    for reason in reasons[:-1]:
        services.update_loss_reason(acting_user=org.admin, reason=reason, changes={"is_active": False})
    error = _refusal(
        lambda: services.update_loss_reason(
            acting_user=org.admin, reason=reasons[-1], changes={"is_active": False}
        )
    )
    assert error.details["field"] == "is_active"


# The page


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_settings_page_edits_adds_and_refuses_with_reasons(org):
    factories.deal(org.rep)
    client = _client(org.admin)
    page = client.get(reverse("pipeline:settings"))
    assert page.status_code == 200 and 'data-testid="stage-won"' in page.content.decode()
    needs = _stage(org, "needs")
    response = client.post(
        reverse("pipeline:stage_update", args=[needs.pk]),
        {
            "name": "需求调研",
            "name_en": "Needs analysis",
            "probability": "25",
            "forecast_category": "pipeline",
        },
    )
    assert response.status_code == 302 and _stage(org, "needs").probability == 25
    response = client.post(
        reverse("pipeline:stage_update", args=[needs.pk]),
        {
            "name": "方案报价",
            "name_en": "Needs analysis",
            "probability": "25",
            "forecast_category": "pipeline",
        },
    )
    assert response.status_code == 422 and "方案报价" in response.content.decode()
    response = client.post(
        reverse("pipeline:stage_create"),
        {"new-stage-name": "技术评审", "new-stage-name_en": "Technical review", "new-stage-probability": "30",
         "new-stage-forecast_category": "best_case", "new-stage-position": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    assert _codes(org.company)[:3] == ["lead", "technical_review", "needs"]
    lead = _stage(org, "lead")
    response = client.post(
        reverse("pipeline:stage_active", args=[lead.pk]), {"is_active": "false"}, follow=True
    )
    assert "Open deals at Lead: 1." in response.content.decode() and _stage(org, "lead").is_active
    client.post(reverse("pipeline:stage_move", args=[_stage(org, "needs").pk]), {"direction": "up"})
    assert _codes(org.company)[:3] == ["lead", "needs", "technical_review"]
    response = client.post(reverse("pipeline:loss_reason_create"), {"new-reason-name": "关系不足"})
    assert response.status_code == 302 and LossReason.objects.filter(name="关系不足").exists()


def test_the_settings_link_and_page_are_for_admins_only(org):
    for persona in ("rep", "supervisor", "manager", "director", "finance"):
        client = _client(getattr(org, persona))
        assert client.get(reverse("pipeline:settings")).status_code == 403, persona
        assert 'data-testid="pipeline-settings"' not in client.get(reverse("pipeline:board")).content.decode()
    client = _client(org.admin)
    assert 'data-testid="pipeline-settings"' in client.get(reverse("pipeline:board")).content.decode()
    html = client.get(reverse("pipeline:opportunity_list")).content.decode()
    assert 'data-testid="pipeline-settings"' in html
