from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from salesdesk.core import access
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.orders import selectors, services
from salesdesk.orders.models import ContractReviewStep, Order, Shipment
from salesdesk.products.models import PriceList, PriceListItem
from tests.orders import factories

TODAY = timezone.localdate


def _quote(org, discount, *, owner=None, price="1000.00", cost="600.00"):
    owner = owner or org.rep
    deal = factories.deal_with_lines(owner, org.company, price=price, cost=cost)
    line = deal.lines.get()
    return services.create_quote(
        acting_user=owner,
        opportunity=deal,
        lines=[
            services.QuoteLineInput(
                product=line.product, quantity=Decimal(2), discount_percent=Decimal(discount)
            )
        ],
    )


def _submit(quote, user):
    return services.submit_quote(acting_user=user, quote=quote, expected_version=quote.version)


# Quotes: prices, floors, discounts and who approves them


def test_quote_numbers_run_per_company_and_year(org):
    first, second = _quote(org, 0), _quote(org, 0)
    year = TODAY().year
    assert first.number == f"BJ-{year}-00001" and second.number == f"BJ-{year}-00002"


def test_quote_totals_come_from_the_lines(org):
    quote = _quote(org, "5")
    assert quote.list_total == Decimal("2000.00")
    assert quote.amount == Decimal("1900.00")
    assert quote.discount_percent == Decimal("5")


def test_a_discount_within_the_authors_limit_is_approved_at_once(org):
    quote = _submit(_quote(org, "5"), org.rep)
    assert quote.status == "approved" and quote.approvals.count() == 0


@pytest.mark.parametrize(
    ("discount", "approver_role"), [("8", "supervisor"), ("12", "manager"), ("20", "director")]
)
def test_a_bigger_discount_goes_further_up_the_line(org, discount, approver_role):
    quote = _submit(_quote(org, discount), org.rep)
    assert quote.status == "pending_approval" and quote.approver_role == approver_role
    assert quote.approvals.get().decision == "pending"


def test_a_discount_beyond_every_limit_is_refused(org):
    quote = _quote(org, "30", cost=None)
    with pytest.raises(BusinessRuleViolation) as exc:
        _submit(quote, org.rep)
    assert exc.value.details["code"] == "discount_beyond_limits"


@translation.override("en")
def test_a_price_below_the_floor_is_refused_whoever_would_approve(org):
    deal = factories.deal_with_lines(org.rep, org.company, price="1000.00")
    product = deal.lines.get().product
    price_list = PriceList.objects.create(company=org.company, name="General")
    PriceListItem.objects.create(
        price_list=price_list, product=product, price=Decimal(1000), floor_price=Decimal(950)
    )
    with pytest.raises(BusinessRuleViolation) as exc:
        services.create_quote(
            acting_user=org.rep,
            opportunity=deal,
            lines=[
                services.QuoteLineInput(product=product, quantity=Decimal(1), discount_percent=Decimal(8))
            ],
        )
    assert "floor" in exc.value.message


def test_the_most_specific_price_list_prices_the_quote(org):
    deal = factories.deal_with_lines(org.rep, org.company, price="1000.00")
    product = deal.lines.get().product
    deal.customer.tier = "strategic"
    deal.customer.save()
    general = PriceList.objects.create(company=org.company, name="General")
    strategic = PriceList.objects.create(company=org.company, name="Strategic", customer_tier="strategic")
    PriceListItem.objects.create(
        price_list=general, product=product, price=Decimal(990), floor_price=Decimal(800)
    )
    PriceListItem.objects.create(
        price_list=strategic, product=product, price=Decimal(900), floor_price=Decimal(800)
    )
    quote = services.create_quote(acting_user=org.rep, opportunity=deal)
    assert quote.price_list == strategic
    assert quote.lines.get().list_price == Decimal(900)


def test_only_a_leader_above_the_owner_of_the_right_rank_approves(org):
    quote = _submit(_quote(org, "12"), org.rep)  # needs a manager
    for outsider in (org.rep, org.supervisor, org.supervisor_e2, org.manager_n, org.finance, org.admin):
        with pytest.raises(PermissionDenied):
            services.decide_quote(
                approve=True, acting_user=outsider, quote=quote, expected_version=quote.version
            )
    quote = services.decide_quote(
        approve=True, acting_user=org.manager, quote=quote, expected_version=quote.version
    )
    assert quote.status == "approved"
    assert quote.approvals.get().decided_by == org.manager


def test_a_director_may_approve_what_a_supervisor_may(org):
    quote = _submit(_quote(org, "8"), org.rep)
    quote = services.decide_quote(
        approve=True, acting_user=org.director, quote=quote, expected_version=quote.version
    )
    assert quote.status == "approved"


def test_a_rejection_needs_a_reason_and_the_rep_can_revise_and_resubmit(org):
    quote = _submit(_quote(org, "8"), org.rep)
    with pytest.raises(BusinessRuleViolation):
        services.decide_quote(
            approve=False, acting_user=org.supervisor, quote=quote, expected_version=quote.version, comment=""
        )
    quote = services.decide_quote(
        approve=False,
        acting_user=org.supervisor,
        quote=quote,
        expected_version=quote.version,
        comment="too deep",
    )
    assert quote.status == "rejected"
    line = quote.lines.get()
    quote = services.set_quote_lines(
        acting_user=org.rep,
        quote=quote,
        expected_version=quote.version,
        lines=[
            services.QuoteLineInput(product=line.product, quantity=Decimal(2), discount_percent=Decimal(3))
        ],
    )
    quote = _submit(quote, org.rep)
    assert quote.status == "approved"
    assert [a.decision for a in quote.approvals.all()] == ["rejected"]


def test_an_approved_quote_cannot_be_edited(org):
    quote = _submit(_quote(org, "0"), org.rep)
    with pytest.raises(BusinessRuleViolation):
        services.set_quote_lines(acting_user=org.rep, quote=quote, expected_version=quote.version, lines=[])


# Contracts: review steps, versions, signing


def test_review_steps_follow_amount_and_terms(org):
    small = factories.deal_with_lines(org.rep, org.company, quantity="1", won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=small)
    assert contract.is_standard_terms
    contract = services.submit_contract(
        acting_user=org.rep, contract=contract, expected_version=contract.version
    )
    assert [r.reviewer_role for r in contract.reviews.all()] == ["supervisor", "finance"]

    big = factories.deal_with_lines(org.rep, org.company, quantity="300", won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=big, payment_days=90)
    assert not contract.is_standard_terms
    contract = services.submit_contract(
        acting_user=org.rep, contract=contract, expected_version=contract.version
    )
    names = [r.name for r in contract.reviews.order_by("sequence")]
    assert [r.reviewer_role for r in contract.reviews.order_by("sequence")] == [
        "supervisor",
        "manager",
        "finance",
        "director",
    ]
    assert "Legal" in names[-1]


@translation.override("en")
def test_review_goes_step_by_step_and_only_the_right_reviewer_decides(org):
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=deal)
    contract = services.submit_contract(
        acting_user=org.rep, contract=contract, expected_version=contract.version
    )
    with pytest.raises(PermissionDenied):  # finance's step comes after the supervisor's
        services.decide_review(
            acting_user=org.finance, contract=contract, expected_version=contract.version, approve=True
        )
    with pytest.raises(PermissionDenied):
        services.decide_review(
            acting_user=org.supervisor_e2, contract=contract, expected_version=contract.version, approve=True
        )
    services.decide_review(
        acting_user=org.supervisor, contract=contract, expected_version=contract.version, approve=True
    )
    contract.refresh_from_db()
    assert contract.status == "in_review"
    services.decide_review(
        acting_user=org.finance, contract=contract, expected_version=contract.version, approve=True
    )
    contract.refresh_from_db()
    assert contract.status == "approved"
    contract = services.sign_contract(
        acting_user=org.rep, contract=contract, expected_version=contract.version, signed_on=TODAY()
    )
    assert contract.status == "signed" and contract.signed_on == TODAY()
    assert selectors.contract_versions(contract).first().note == "Signed"


def test_a_rejected_contract_is_revised_and_starts_a_new_round(org):
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=deal)
    contract = services.submit_contract(
        acting_user=org.rep, contract=contract, expected_version=contract.version
    )
    services.decide_review(
        acting_user=org.supervisor,
        contract=contract,
        expected_version=contract.version,
        approve=False,
        comment="term",
    )
    contract.refresh_from_db()
    assert contract.status == "rejected"
    contract = services.update_contract(
        acting_user=org.rep,
        contract=contract,
        expected_version=contract.version,
        changes={"title": "Revised"},
    )
    contract = services.submit_contract(
        acting_user=org.rep, contract=contract, expected_version=contract.version
    )
    assert contract.status == "in_review"
    assert selectors.current_review(contract).round == 2
    assert contract.comments.count() == 1


def test_configured_steps_and_a_named_reviewer_are_used(org):
    services.ensure_review_steps(org.company)
    ContractReviewStep.objects.filter(company=org.company).delete()
    services.save_review_step(
        acting_user=org.admin,
        company=org.company,
        sequence=1,
        name="Legal",
        reviewer_role="admin",
        reviewer=org.finance,
    )
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=deal)
    contract = services.submit_contract(
        acting_user=org.rep, contract=contract, expected_version=contract.version
    )
    with pytest.raises(PermissionDenied):
        services.decide_review(
            acting_user=org.admin, contract=contract, expected_version=contract.version, approve=True
        )
    services.decide_review(
        acting_user=org.finance, contract=contract, expected_version=contract.version, approve=True
    )
    contract.refresh_from_db()
    assert contract.status == "approved"


def test_two_people_editing_one_contract_the_second_gets_stale_version(org):
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=deal)
    loaded_by_rep = type(contract).objects.get(pk=contract.pk)
    loaded_by_supervisor = type(contract).objects.get(pk=contract.pk)
    services.update_contract(
        acting_user=org.rep,
        contract=loaded_by_rep,
        expected_version=loaded_by_rep.version,
        changes={"title": "A"},
    )
    with pytest.raises(StaleVersion) as exc:
        services.update_contract(
            acting_user=org.supervisor,
            contract=loaded_by_supervisor,
            expected_version=loaded_by_supervisor.version,
            changes={"title": "B"},
        )
    assert exc.value.details["changed_by"] == str(org.rep)
    assert type(contract).objects.get(pk=contract.pk).title == "A"


def test_a_contract_comes_from_a_won_deal_or_an_approved_quote_only(org):
    open_deal = factories.deal_with_lines(org.rep, org.company)
    with pytest.raises(BusinessRuleViolation):
        services.create_contract(acting_user=org.rep, opportunity=open_deal)
    quote = _quote(org, "8")
    with pytest.raises(BusinessRuleViolation):
        services.create_contract(acting_user=org.rep, quote=quote)
    quote = _submit(quote, org.rep)
    quote = services.decide_quote(
        approve=True, acting_user=org.supervisor, quote=quote, expected_version=quote.version
    )
    contract = services.create_contract(acting_user=org.rep, quote=quote)
    assert contract.amount == quote.amount and contract.number.startswith("HT-")
    quote.refresh_from_db()
    assert quote.status == "accepted"


def test_attachments_are_stored_and_listed(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=deal)
    attachment = services.add_attachment(
        acting_user=org.rep, contract=contract, upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 test")
    )
    assert attachment.size_bytes == 13 and attachment.file.read() == b"%PDF-1.4 test"
    with pytest.raises(PermissionDenied):
        services.add_attachment(
            acting_user=org.other_rep, contract=contract, upload=SimpleUploadedFile("x.txt", b"x")
        )


# Orders


def _approvers(org):
    return [org.supervisor, org.finance]


def test_an_order_copies_the_contracts_lines_and_cannot_exceed_what_is_left(org):
    contract = factories.signed_contract(org.rep, org.company, approvers=_approvers(org))
    promised = TODAY() + timedelta(days=20)
    order = services.create_order(acting_user=org.rep, contract=contract, promised_on=promised)
    assert order.amount == contract.amount == Decimal("10000.00")
    assert order.number.startswith("DD-") and order.shipments.get().amount == order.amount
    line = order.lines.get()
    with pytest.raises(BusinessRuleViolation) as exc:
        services.create_order(
            acting_user=org.rep,
            contract=contract,
            promised_on=promised,
            lines=[services.OrderLineInput(line.product, Decimal(1), Decimal("1.00"))],
        )
    assert exc.value.details["code"] == "exceeds_contract"
    services.cancel_order(acting_user=org.rep, order=order, expected_version=order.version, reason="wrong")
    half = services.create_order(
        acting_user=org.rep,
        contract=contract,
        promised_on=promised,
        lines=[services.OrderLineInput(line.product, Decimal(5), line.unit_price)],
    )
    assert half.amount == Decimal("5000.00")


def test_orders_need_a_signed_contract(org):
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=deal)
    with pytest.raises(BusinessRuleViolation):
        services.create_order(acting_user=org.rep, contract=contract, promised_on=TODAY())


def test_the_schedule_is_split_while_draft_and_must_add_up(org):
    contract = factories.signed_contract(org.rep, org.company, approvers=_approvers(org))
    order = services.create_order(
        acting_user=org.rep, contract=contract, promised_on=TODAY() + timedelta(days=30)
    )
    with pytest.raises(BusinessRuleViolation):
        services.set_shipments(
            acting_user=org.rep,
            order=order,
            expected_version=order.version,
            shipments=[services.ShipmentInput(TODAY() + timedelta(days=5), Decimal(1))],
        )
    shipments = services.set_shipments(
        acting_user=org.rep,
        order=order,
        expected_version=order.version,
        shipments=[
            services.ShipmentInput(TODAY() + timedelta(days=40), Decimal("6000")),
            services.ShipmentInput(TODAY() + timedelta(days=10), Decimal("4000")),
        ],
    )
    assert [(s.sequence, s.amount) for s in shipments] == [(1, Decimal("4000")), (2, Decimal("6000"))]
    order.refresh_from_db()
    assert order.promised_on == TODAY() + timedelta(days=40)
    factories.confirm(order, org.rep)
    with pytest.raises(BusinessRuleViolation):
        services.set_shipments(acting_user=org.rep, order=order, expected_version=order.version, shipments=[])


def test_production_shipping_and_completion(org):
    order = factories.confirmed_order(org.rep, org.company, approvers=_approvers(org))
    with pytest.raises(BusinessRuleViolation):
        services.complete_order(acting_user=org.rep, order=order, expected_version=order.version)
    order = services.start_production(acting_user=org.rep, order=order, expected_version=order.version)
    order = services.record_progress(
        acting_user=org.rep, order=order, expected_version=order.version, percent=60
    )
    with pytest.raises(BusinessRuleViolation):
        services.record_progress(acting_user=org.rep, order=order, expected_version=order.version, percent=40)
    order = services.ship_shipment(
        acting_user=org.rep, shipment=order.shipments.get(), expected_version=order.version
    )
    assert order.status == "shipped" and order.production_progress == 100
    order = services.complete_order(acting_user=org.rep, order=order, expected_version=order.version)
    assert order.status == "completed"
    assert [e.kind for e in order.events.order_by("id")] == [
        "created",
        "production_started",
        "progress",
        "shipped",
        "completed",
    ]


def test_only_a_supervisor_or_above_pauses_and_resumes_with_a_reason(org):
    order = factories.confirmed_order(org.rep, org.company, approvers=_approvers(org))
    order = services.start_production(acting_user=org.rep, order=order, expected_version=order.version)
    for user in (org.rep, org.teammate, org.finance, org.supervisor_e2):
        with pytest.raises(PermissionDenied):
            services.pause_order(
                acting_user=user, order=order, expected_version=order.version, reason="customer"
            )
    with pytest.raises(BusinessRuleViolation):
        services.pause_order(
            acting_user=org.supervisor, order=order, expected_version=order.version, reason=" "
        )
    order = services.pause_order(
        acting_user=org.supervisor, order=order, expected_version=order.version, reason="site not ready"
    )
    assert order.status == "paused" and order.paused_from == "in_production"
    with pytest.raises(BusinessRuleViolation):
        services.ship_shipment(
            acting_user=org.rep, shipment=order.shipments.get(), expected_version=order.version
        )
    with pytest.raises(PermissionDenied):
        services.resume_order(acting_user=org.rep, order=order, expected_version=order.version)
    order = services.resume_order(acting_user=org.manager, order=order, expected_version=order.version)
    assert order.status == "in_production" and order.pause_reason == ""
    assert order.events.filter(kind="paused", note="site not ready").exists()


def test_a_confirmed_order_is_cancelled_only_by_a_leader(org):
    order = factories.confirmed_order(org.rep, org.company, approvers=_approvers(org))
    with pytest.raises(PermissionDenied):
        services.cancel_order(acting_user=org.rep, order=order, expected_version=order.version, reason="x")
    order = services.cancel_order(
        acting_user=org.supervisor, order=order, expected_version=order.version, reason="x"
    )
    assert order.status == "cancelled" and order.shipments.get().status == "cancelled"


def test_delivery_changes_are_raised_by_the_rep_and_decided_by_a_manager(org):
    order = factories.confirmed_order(org.rep, org.company, approvers=_approvers(org))
    shipment = order.shipments.get()
    new_date = shipment.planned_on + timedelta(days=14)
    change = services.request_delivery_change(
        acting_user=org.rep, shipment=shipment, new_date=new_date, reason="late parts"
    )
    with pytest.raises(BusinessRuleViolation):  # one open request per shipment
        services.request_delivery_change(
            acting_user=org.rep, shipment=shipment, new_date=new_date, reason="again"
        )
    for user in (org.rep, org.supervisor, org.manager_n, org.finance):
        with pytest.raises(PermissionDenied):
            services.decide_delivery_change(
                acting_user=user, change=change, expected_version=change.version, approve=True
            )
    change = services.decide_delivery_change(
        acting_user=org.manager, change=change, expected_version=change.version, approve=True
    )
    assert change.status == "approved"
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.planned_on == new_date and order.promised_on == new_date
    assert change.history.count() == 2  # the request and the decision, as a document with history
    second = services.request_delivery_change(
        acting_user=org.rep, shipment=shipment, new_date=new_date + timedelta(days=1), reason="again"
    )
    with pytest.raises(BusinessRuleViolation):
        services.decide_delivery_change(
            acting_user=org.director, change=second, expected_version=second.version, approve=False
        )
    second = services.decide_delivery_change(
        acting_user=org.director, change=second, expected_version=second.version, approve=False, comment="no"
    )
    shipment.refresh_from_db()
    assert second.status == "rejected" and shipment.planned_on == new_date


def test_repeat_orders_are_confirmed_by_a_supervisor_or_above_only(org):
    order = factories.confirmed_order(org.rep, org.company, approvers=_approvers(org))
    repeat = services.create_repeat_order(
        acting_user=org.rep, previous=order, promised_on=TODAY() + timedelta(days=30)
    )
    assert repeat.repeat_of == order and repeat.contract is None and repeat.amount == order.amount
    assert access.can(org.rep, "orders.confirm_order", order)
    assert not access.can(org.rep, "orders.confirm_order", repeat)
    assert access.can(org.supervisor, "orders.confirm_order", repeat)
    assert access.can(org.manager, "orders.confirm_order", repeat)
    assert not access.can(org.supervisor_e2, "orders.confirm_order", repeat)
    assert not access.can(org.teammate, "orders.confirm_order", order)


def test_a_committed_order_without_a_credit_check_is_impossible(org):
    from django.db import IntegrityError, transaction

    contract = factories.signed_contract(org.rep, org.company, approvers=_approvers(org))
    order = services.create_order(acting_user=org.rep, contract=contract, promised_on=TODAY())
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(status="confirmed")
    assert Shipment.objects.filter(order=order).count() == 1
