"""The data migration that gives existing shipments their original promise."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from salesdesk.orders import services
from salesdesk.orders.models import Shipment
from tests.conftest import build_personas
from tests.orders import factories

BEFORE = [("orders", "0002_quotes_reviews_events")]
AFTER = [("orders", "0003_contract_end_original_promise_step_versions")]


@pytest.mark.django_db(transaction=True)
def test_existing_shipments_get_the_date_before_their_first_approved_change():
    org = build_personas()
    moved = factories.confirmed_order(org.rep, org.company, approvers=[org.supervisor, org.finance])
    kept = factories.confirmed_order(org.rep, org.company, approvers=[org.supervisor, org.finance])
    shipment = moved.shipments.get()
    first_promise = shipment.planned_on
    for days in (7, 12):  # two approved changes: the promise is the date before the first
        shipment.refresh_from_db()
        change = services.request_delivery_change(
            acting_user=org.rep,
            shipment=shipment,
            new_date=first_promise + timedelta(days=days),
            reason="late",
        )
        services.decide_delivery_change(
            acting_user=org.manager, change=change, expected_version=change.version, approve=True
        )

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # the column goes; the rows stay
    executor.loader.build_graph()
    executor.migrate(AFTER)

    shipment = Shipment.objects.get(order=moved)
    assert (shipment.planned_on, shipment.original_planned_on) == (
        first_promise + timedelta(days=12),
        first_promise,
    )
    unchanged = Shipment.objects.get(order=kept)
    assert unchanged.original_planned_on == unchanged.planned_on
    assert {h.original_planned_on for h in shipment.history.all()} == {first_promise}
