"""The workflow actions that pages and the API both offer, in one table: the service that moves
the record, the rule that guards the route (the service checks the record itself), and what a
person is told once it is done. Each interface reads its input (a form, a request body) into the
service's keywords — the record's ``version`` becomes ``expected_version`` — and calls ``run``.

The status machines themselves are in rules.py; this is only how the interfaces reach them."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salesdesk.orders import selectors, services
from salesdesk.org.models import User


@dataclass(frozen=True)
class Transition:
    service: Callable[..., Any]
    record: str  # the keyword the service takes the record by
    records: Callable[[User], QuerySet]  # the records the user may act on (others are a 404)
    rule: str
    done: Promise


VIEW = "orders.view_orders"
QUOTE = ("quote", selectors.quote_detail_queryset)
CONTRACT = ("contract", selectors.contract_detail_queryset)
ORDER = ("order", selectors.order_detail_queryset)
CHANGE = ("change", selectors.delivery_changes)

# name: Transition(service, record keyword, records, route rule, message)
TRANSITIONS = {
    "submit_quote": Transition(services.submit_quote, *QUOTE, VIEW, _("The quote was submitted.")),
    "decide_quote": Transition(
        services.decide_quote, *QUOTE, "orders.approve_quote", _("Your decision was recorded.")
    ),
    "submit_contract": Transition(
        services.submit_contract, *CONTRACT, VIEW, _("The contract was submitted for review.")
    ),
    "review_contract": Transition(services.decide_review, *CONTRACT, VIEW, _("Your review was recorded.")),
    "sign_contract": Transition(services.sign_contract, *CONTRACT, VIEW, _("The contract is signed.")),
    "terminate_contract": Transition(
        services.terminate_contract, *CONTRACT, "orders.terminate_contract", _("The contract was terminated.")
    ),
    "start_production": Transition(services.start_production, *ORDER, VIEW, _("Production started.")),
    "record_progress": Transition(services.record_progress, *ORDER, VIEW, _("Progress was recorded.")),
    "pause_order": Transition(services.pause_order, *ORDER, "orders.pause_order", _("The order is paused.")),
    "resume_order": Transition(
        services.resume_order, *ORDER, "orders.pause_order", _("The order was resumed.")
    ),
    "cancel_order": Transition(services.cancel_order, *ORDER, VIEW, _("The order was cancelled.")),
    "complete_order": Transition(services.complete_order, *ORDER, VIEW, _("The order is completed.")),
    "decide_delivery_change": Transition(
        services.decide_delivery_change,
        *CHANGE,
        "orders.decide_delivery_change",
        _("The delivery change was decided."),
    ),
}


def record_for(transition: Transition, user: User, pk: int) -> Model:
    return get_object_or_404(transition.records(user), pk=pk)


def call(service: Callable[..., Any], *, user: User, values: Mapping[str, Any], **records: Model) -> Any:
    """Call ``service`` as ``user`` with the input ``values`` as keywords (their ``version``, the
    version the person loaded, as ``expected_version``) and the records it acts on."""
    keywords = dict(values)
    if "version" in keywords:
        keywords["expected_version"] = keywords.pop("version")
    return service(acting_user=user, **records, **keywords)


def run(transition: Transition, *, user: User, record: Model, values: Mapping[str, Any]) -> Any:
    return call(transition.service, user=user, values=values, **{transition.record: record})
