from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.customers.models import Contact, Customer
from salesdesk.pipeline import services
from salesdesk.pipeline.models import LossReason, Opportunity, StageChange
from salesdesk.products.models import Product
from tests.pipeline import factories


def test_default_stages_and_loss_reasons_are_created_once(org):
    stages = services.ensure_stages(org.company)
    assert [(s.code, s.probability, s.forecast_category, s.outcome) for s in stages] == [
        ("lead", 10, "pipeline", "open"),
        ("needs", 20, "pipeline", "open"),
        ("proposal", 40, "best_case", "open"),
        ("negotiation", 70, "commit", "open"),
        ("won", 100, "closed", "won"),
        ("lost", 0, "omitted", "lost"),
    ]
    assert [s.name for s in stages][:2] == ["线索", "需求调研"]
    services.ensure_stages(org.company)
    assert len(services.ensure_stages(org.company)) == 6
    assert LossReason.objects.filter(company=org.company).count() == 6


def test_a_rep_entering_a_lead_owns_it(org):
    lead = factories.lead(org.rep, org.company, source="exhibition")
    assert lead.owner == org.rep and lead.team == org.units.e1 and lead.assigned_at is not None


def test_round_robin_hands_leads_to_the_teams_reps_in_turn(org):
    owners = [
        factories.lead(org.supervisor, org.company, team=org.units.e1, round_robin=True).owner
        for _ in range(3)
    ]
    first, second = sorted([org.rep, org.teammate], key=lambda u: u.pk)
    assert owners == [first, second, first]


def test_round_robin_skips_reps_who_left(org):
    org.employees.teammate.status = "left"
    org.employees.teammate.left_on = date(2026, 1, 1)
    org.employees.teammate.save()
    owners = {
        factories.lead(org.supervisor, org.company, team=org.units.e1, round_robin=True).owner
        for _ in range(2)
    }
    assert owners == {org.rep}


def test_an_unassigned_team_lead_is_distributed_later(org):
    lead = factories.lead(org.supervisor, org.company, team=org.units.e1)
    assert lead.owner is None
    lead = services.assign_lead_round_robin(
        acting_user=org.supervisor, lead=lead, expected_version=lead.version
    )
    assert lead.owner in {org.rep, org.teammate}


def test_only_leaders_assign_and_only_within_their_scope(org):
    lead = factories.lead(org.supervisor, org.company, team=org.units.e1)
    with pytest.raises(PermissionDenied):
        services.assign_lead(
            acting_user=org.rep, lead=lead, owner=org.teammate, expected_version=lead.version
        )
    with pytest.raises(BusinessRuleViolation) as exc:
        services.assign_lead(
            acting_user=org.supervisor, lead=lead, owner=org.other_rep, expected_version=lead.version
        )
    assert exc.value.details == {"field": "owner"}
    lead = services.assign_lead(
        acting_user=org.supervisor, lead=lead, owner=org.teammate, expected_version=lead.version
    )
    assert lead.owner == org.teammate


def test_disqualifying_needs_a_reason(org):
    lead = factories.lead(org.rep, org.company)
    with pytest.raises(BusinessRuleViolation) as exc:
        services.qualify_lead(
            acting_user=org.rep, lead=lead, expected_version=lead.version, status="disqualified"
        )
    assert exc.value.details == {"field": "reason"}
    lead = services.qualify_lead(
        acting_user=org.rep,
        lead=lead,
        expected_version=lead.version,
        status="disqualified",
        reason="No budget",
    )
    assert lead.status == "disqualified" and lead.disqualify_reason == "No budget"


def test_stale_lead_edit_is_refused(org):
    lead = factories.lead(org.rep, org.company)
    services.qualify_lead(acting_user=org.rep, lead=lead, expected_version=1, status="contacted")
    with pytest.raises(StaleVersion):
        services.qualify_lead(acting_user=org.rep, lead=lead, expected_version=1, status="qualified")


def test_converting_a_lead_creates_customer_contact_and_deal_at_the_first_stage(org):
    lead = factories.lead(
        org.rep,
        org.company,
        company_name="华东精工",
        contact_name="王经理",
        phone="13800000000",
        industry="制造",
        estimated_amount=Decimal("50000"),
    )
    deal = services.convert_lead(acting_user=org.rep, lead=lead, expected_version=lead.version)
    lead.refresh_from_db()
    assert lead.status == "converted" and lead.customer.name == "华东精工" and lead.customer.owner == org.rep
    assert lead.customer.industry == "制造"
    assert Contact.objects.get(customer=lead.customer).name == "王经理"
    assert (deal.stage.code, deal.amount, deal.probability, deal.lead) == ("lead", Decimal("50000"), 10, lead)
    assert StageChange.objects.filter(opportunity=deal, from_stage=None).count() == 1
    with pytest.raises(BusinessRuleViolation):
        services.convert_lead(acting_user=org.rep, lead=lead, expected_version=lead.version)


def test_converting_a_duplicate_offers_the_existing_customer(org):
    existing = factories.customer(org.rep, "华东精工")
    lead = factories.lead(org.rep, org.company, company_name="华东 精工")
    with pytest.raises(BusinessRuleViolation) as exc:
        services.convert_lead(acting_user=org.rep, lead=lead, expected_version=lead.version)
    assert [d["id"] for d in exc.value.details["duplicates"]] == [existing.pk]
    lead.refresh_from_db()
    assert lead.status == "new" and lead.version == 1  # nothing was written
    deal = services.convert_lead(
        acting_user=org.rep, lead=lead, expected_version=lead.version, customer=existing
    )
    assert deal.customer == existing and Customer.objects.count() == 1


def test_moving_to_won_closes_the_deal_and_reopening_clears_it(org):
    deal = factories.deal(org.rep)
    today = date(2026, 7, 15)
    deal = services.move_opportunity(
        acting_user=org.rep,
        opportunity=deal,
        stage=factories.stage(org.company, "won"),
        expected_version=deal.version,
        today=today,
    )
    assert (deal.probability, deal.closed_on) == (100, today)
    deal = services.move_opportunity(
        acting_user=org.rep,
        opportunity=deal,
        stage=factories.stage(org.company, "proposal"),
        expected_version=deal.version,
    )
    assert (deal.probability, deal.closed_on) == (40, None)
    assert [c.to_stage.code for c in deal.stage_changes.order_by("id")] == ["lead", "won", "proposal"]


def test_losing_needs_a_reason(org):
    deal = factories.deal(org.rep)
    lost = factories.stage(org.company, "lost")
    with pytest.raises(BusinessRuleViolation) as exc:
        services.move_opportunity(
            acting_user=org.rep, opportunity=deal, stage=lost, expected_version=deal.version
        )
    assert exc.value.status == 422 and exc.value.details["field"] == "loss_reason"
    reason = LossReason.objects.get(company=org.company, code="price")
    deal = services.move_opportunity(
        acting_user=org.rep,
        opportunity=deal,
        stage=lost,
        expected_version=deal.version,
        loss_reason=reason,
        loss_note="20% cheaper",
    )
    assert (deal.loss_reason, deal.probability, deal.closed_on) == (reason, 0, timezone.localdate())


def test_stale_deal_edit_answers_409_naming_who_changed_it(org):
    deal = factories.deal(org.rep)
    services.update_opportunity(
        acting_user=org.supervisor, opportunity=deal, expected_version=1, changes={"amount": 5}
    )
    with pytest.raises(StaleVersion) as exc:
        services.update_opportunity(
            acting_user=org.rep,
            opportunity=Opportunity.objects.get(pk=deal.pk),
            expected_version=1,
            changes={"amount": 6},
        )
    assert exc.value.status == 409 and exc.value.details["changed_by"] == "Supervisor"


def test_someone_outside_the_scope_cannot_touch_the_deal(org):
    deal = factories.deal(org.rep)
    with pytest.raises(PermissionDenied):
        services.update_opportunity(
            acting_user=org.other_rep, opportunity=deal, expected_version=1, changes={}
        )


def test_product_lines_set_the_amount(org):
    deal = factories.deal(org.rep)
    product = Product.objects.create(
        company=org.company, code="P1", name="Pump", list_price=Decimal("120.50")
    )
    deal = services.set_lines(
        acting_user=org.rep,
        opportunity=deal,
        expected_version=deal.version,
        lines=[
            services.LineInput(product, Decimal(2)),
            services.LineInput(product, Decimal(1), Decimal(100)),
        ],
    )
    assert deal.amount == Decimal("341.00") and deal.lines.count() == 2


def test_credit_splits_must_total_100_and_replace_the_old_rows(org):
    deal = factories.deal(org.rep)
    with pytest.raises(BusinessRuleViolation) as exc:
        services.set_credit_splits(
            acting_user=org.rep,
            opportunity=deal,
            expected_version=deal.version,
            splits=[(org.rep, Decimal(60)), (org.teammate, Decimal(30))],
        )
    assert exc.value.status == 422 and "splits" in exc.value.details["fields"]
    deal = services.set_credit_splits(
        acting_user=org.rep,
        opportunity=deal,
        expected_version=deal.version,
        splits=[(org.rep, Decimal(60)), (org.other_rep, Decimal(40))],
    )
    assert {(s.user, s.percent) for s in deal.credit_splits.all()} == {(org.rep, 60), (org.other_rep, 40)}
    with pytest.raises(BusinessRuleViolation):
        services.set_credit_splits(
            acting_user=org.rep,
            opportunity=deal,
            expected_version=deal.version,
            splits=[(org.outsider, Decimal(100))],
        )


def _won(owner, customer, amount, closed_on):
    deal = factories.deal(owner, customer_for=customer, amount=Decimal(amount))
    won = factories.stage(owner.employee.company, "won")
    return services.move_opportunity(
        acting_user=owner, opportunity=deal, stage=won, expected_version=deal.version, today=closed_on
    )


def test_nightly_classification_sets_abc_classes_and_lifecycles(org, django_assert_max_num_queries):
    today = date(2026, 7, 15)
    big, mid, small, old, prospect = (
        factories.customer(org.rep, n) for n in ("Big", "Mid", "Small", "Old", "Pro")
    )
    _won(org.rep, big, 7000, today - timedelta(days=10))
    _won(org.rep, mid, 2000, today - timedelta(days=100))
    _won(org.rep, small, 1000, today - timedelta(days=500))  # a win before the window…
    _won(org.rep, small, 1000, today - timedelta(days=30))  # …and one inside it
    _won(org.rep, old, 9000, today - timedelta(days=800))
    factories.deal(org.rep, customer_for=prospect)
    result = services.recompute_customer_classes(company=org.company, today=today)
    assert result.customers == 5
    classes = dict(Customer.objects.values_list("name", "value_class"))
    lifecycles = dict(Customer.objects.values_list("name", "lifecycle"))
    assert classes == {"Big": "A", "Mid": "B", "Small": "C", "Old": "C", "Pro": "C"}
    assert lifecycles == {
        "Big": "new",
        "Mid": "new",
        "Small": "existing",
        "Old": "churned",
        "Pro": "prospect",
    }
    again = services.recompute_customer_classes(company=org.company, today=today)
    assert (again.value_classes_changed, again.lifecycles_changed) == (0, 0)


def test_classification_command_and_task(org, capsys):
    from django.core.management import call_command

    from salesdesk.pipeline.tasks import recompute_customer_classes

    customer = factories.customer(org.rep, "Won Co")
    _won(org.rep, customer, 100, date(2026, 7, 1))
    call_command("recompute_customer_classes", "--today", "2026-07-15")
    assert "1 customers" in capsys.readouterr().out
    assert Customer.objects.get(pk=customer.pk).lifecycle == "new"
    result = recompute_customer_classes.call(org.company.pk, "2026-07-15")
    assert result == {"customers": 1, "value_classes_changed": 0, "lifecycles_changed": 0}
