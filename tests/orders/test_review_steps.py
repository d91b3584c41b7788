"""Configuring the contract review: the director or an administrator adds, edits and deactivates
steps; edits are versioned; a contract already in review keeps its steps."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.orders import selectors, services
from salesdesk.orders.models import ContractReviewStep
from tests.orders import factories
from tests.org.factories import EmployeeFactory, OrgUnitFactory


def _step(org, sequence):
    services.ensure_review_steps(org.company)
    return ContractReviewStep.objects.get(company=org.company, sequence=sequence)


def _edit(user, step, **changes):
    return services.update_review_step(
        acting_user=user, step=step, expected_version=step.version, changes=changes
    )


def _submit(org, quantity="10"):
    deal = factories.deal_with_lines(org.rep, org.company, quantity=quantity, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=deal)
    return services.submit_contract(acting_user=org.rep, contract=contract, expected_version=contract.version)


def test_the_director_changes_a_threshold_and_the_next_contract_follows_it(org):
    finance = _step(org, 40)
    _edit(org.director, finance, min_amount=Decimal("50000"))
    # 10 × 1000 = 10,000: below the finance step's new threshold.
    assert [r.reviewer_role for r in _submit(org).reviews.all()] == ["supervisor"]
    finance.refresh_from_db()
    assert finance.version == 2 and finance.updated_by == org.director
    assert finance.history.get().min_amount == Decimal("50000")  # the defaults come without history


def test_a_contract_in_review_keeps_the_steps_it_started_with(org):
    contract = _submit(org)
    _edit(org.admin, _step(org, 10), is_active=False)
    assert [r.reviewer_role for r in contract.reviews.all()] == ["supervisor", "finance"]
    assert selectors.current_review(contract).reviewer_role == "supervisor"
    assert [r.reviewer_role for r in _submit(org).reviews.all()] == ["finance"]


@translation.override("en")
def test_a_legal_step_with_a_named_reviewer_is_added_and_a_taken_place_refused(org):
    legal = {
        "name": "External counsel",
        "reviewer_role": "admin",
        "reviewer": org.finance,
        "only_non_standard": True,
    }
    step = services.add_review_step(acting_user=org.admin, company=org.company, sequence=60, **legal)
    assert (step.version, step.is_active, step.reviewer) == (1, True, org.finance)
    with pytest.raises(BusinessRuleViolation) as exc:
        services.add_review_step(
            acting_user=org.admin, company=org.company, sequence=60, name="Again", reviewer_role="director"
        )
    assert exc.value.details == {"field": "sequence"} and "exists already" in exc.value.message


@translation.override("en")
def test_bad_settings_are_refused_by_field(org):
    other_company = OrgUnitFactory(name="Other", code="OTH", kind="company")
    stranger = EmployeeFactory.with_role("director", unit=other_company).user
    bad = {"name": " ", "reviewer_role": "rep", "reviewer": stranger, "min_amount": Decimal(-1)}
    with pytest.raises(BusinessRuleViolation) as exc:
        services.add_review_step(acting_user=org.admin, company=org.company, sequence=70, **bad)
    assert set(exc.value.details["fields"]) == set(bad)
    step = _step(org, 10)
    with pytest.raises(BusinessRuleViolation):
        _edit(org.admin, step, company=None)
    assert ContractReviewStep.objects.get(pk=step.pk).version == step.version  # nothing claimed


def test_two_people_editing_one_step_the_second_is_told_who_changed_it(org):
    opened_by_director = _step(org, 20)
    opened_by_admin = ContractReviewStep.objects.get(pk=opened_by_director.pk)
    _edit(org.director, opened_by_director, name="Manager sign-off")
    with pytest.raises(StaleVersion) as exc:
        _edit(org.admin, opened_by_admin, min_amount=Decimal(1))
    assert exc.value.details["changed_by"] == str(org.director)
    assert ContractReviewStep.objects.get(pk=opened_by_admin.pk).min_amount == Decimal(200_000)


def test_only_the_director_and_administrators_configure_the_review(org):
    step = _step(org, 10)
    for who in ("rep", "supervisor", "manager", "finance"):
        with pytest.raises(PermissionDenied):
            _edit(getattr(org, who), step, name="x")
        with pytest.raises(PermissionDenied):
            services.save_review_step(
                acting_user=getattr(org, who),
                company=org.company,
                sequence=10,
                name="x",
                reviewer_role="manager",
            )


def test_saving_an_existing_step_needs_the_version_loaded(org):
    step = _step(org, 30)
    with pytest.raises(BusinessRuleViolation) as exc:
        services.save_review_step(
            acting_user=org.director, company=org.company, sequence=30, name="x", reviewer_role="director"
        )
    assert exc.value.details["code"] == "version_required"
    saved = services.save_review_step(
        acting_user=org.director,
        company=org.company,
        sequence=30,
        expected_version=step.version,
        name="Director approval",
        reviewer_role="director",
        min_amount=Decimal(500_000),
    )
    assert (saved.pk, saved.min_amount, saved.version) == (step.pk, Decimal(500_000), 2)
