"""Quotes, contracts, orders, delivery changes and the price policy over HTTP: parse, call a
selector or service, return a schema. One module per area; each adds its routes to the one
router of ``common`` when imported, and Django tries the routes in that order."""

from salesdesk.orders.api import contracts, delivery_changes, price_lists, quotes, review_steps  # noqa: F401

# isort: split
# The orders come last: their "/{order_id}" would otherwise answer for "/quotes", "/price-lists"…
from salesdesk.orders.api import orders  # noqa: F401
from salesdesk.orders.api.common import router

__all__ = ["router"]
