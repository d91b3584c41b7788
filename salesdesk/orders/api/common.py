"""What the order routes share: the one router, field limits, the small bodies of the workflow
actions, and the one generic route that runs a transition of salesdesk.orders.transitions."""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema

from salesdesk.core.access import permission
from salesdesk.core.api import MAX_ID, WRITE_ERRORS, InputSchema
from salesdesk.orders.transitions import TRANSITIONS, record_for, run

# Every area module adds its routes to this router. Record ids in paths use the int converter, so
# "/{order_id}" never takes "/quotes" or "/price-lists", whatever order the modules load in.
router = Router(tags=["orders"])
ID = Path(..., ge=1, le=MAX_ID)
REF = {"ge": 1, "le": MAX_ID}
MONEY = {"ge": 0, "le": Decimal("9999999999999999.99"), "max_digits": 18, "decimal_places": 2}
QUANTITY = {"gt": 0, "max_digits": 12, "decimal_places": 2}
PERCENT = {"ge": 0, "le": 100, "max_digits": 5, "decimal_places": 2}
VERSION = Field(..., ge=1, le=MAX_ID, description="the version you loaded; a newer one answers 409")


class OrdersVersionIn(InputSchema):
    version: int = VERSION


class OrdersDecisionIn(InputSchema):
    version: int = VERSION
    comment: str = Field("", max_length=500, description="needed to reject")


class OrdersReasonIn(InputSchema):
    version: int = VERSION
    reason: str = Field(..., min_length=1, max_length=300)


@dataclass(frozen=True)
class Route:
    """A POST route running one transition. ``name`` names the operation (OpenAPI id, URL name);
    the body's fields are the service's keywords, and ``fixed`` adds some (``approve=True``)."""

    name: str
    path: str
    transition: str
    payload: type[Schema]
    fixed: Mapping[str, Any] = field(default_factory=dict)


def add_transitions(
    routes: Iterable[Route], *, out: type[Schema], detail: Callable[[HttpRequest, int], Any]
) -> None:
    """Add each route; it answers with ``detail(request, pk)``, the record as it is now."""
    for route in routes:
        router.post(route.path, response={200: out, **WRITE_ERRORS})(_operation(route, detail))


def _operation(route: Route, detail: Callable[[HttpRequest, int], Any]) -> Callable:
    transition = TRANSITIONS[route.transition]
    (id_name,) = re.findall(r"{(\w+)}", route.path)

    def operation(request, payload: route.payload, pk: int = Path(..., ge=1, le=MAX_ID, alias=id_name)):
        record = record_for(transition, request.user, pk)
        run(transition, user=request.user, record=record, values=payload.model_dump() | dict(route.fixed))
        return detail(request, pk)

    operation.__name__ = route.name
    return permission(transition.rule)(operation)
