"""The JSON API at /api/v1/: one NinjaAPI, one auth chain, one error format for every router."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from salesdesk.budgets.api import router as budgets_router
from salesdesk.core import access
from salesdesk.core.errors import SalesDeskError
from salesdesk.customers.api import router as customers_router
from salesdesk.imports.api import router as imports_router
from salesdesk.metrics.api import router as metrics_router
from salesdesk.orders.api import router as orders_router
from salesdesk.org import services as org_services
from salesdesk.org.api import router as org_router
from salesdesk.pipeline.api import router as pipeline_router
from salesdesk.planning.api import router as planning_router
from salesdesk.products.api import router as products_router
from salesdesk.receivables.api import router as receivables_router
from salesdesk.receivables.api_aging import router as aging_router

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sd_…`` with a personal API token; acts as the token's user."""

    def authenticate(self, request, token: str):
        user = org_services.authenticate_api_token(key=token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    """The same token in an ``X-API-Token`` header, for clients that cannot set Authorization."""

    param_name = "X-API-Token"

    def authenticate(self, request, key: str | None):
        return TokenAuth().authenticate(request, key or "")


api = NinjaAPI(
    title="SalesDesk API",
    version="1",
    description="Every route acts with the caller's rights: records outside their scope answer 404.",
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/", org_router)
api.add_router("/customers", customers_router)
api.add_router("/products", products_router)
api.add_router("/pipeline", pipeline_router)
api.add_router("/orders", orders_router)
api.add_router("/receivables", receivables_router)
api.add_router("/receivables", aging_router)
api.add_router("/imports", imports_router)
api.add_router("/metrics", metrics_router)
api.add_router("/planning", planning_router)
api.add_router("/budgets", budgets_router)


def _error(request, status: int, code: str, message: str, details=None):
    return api.create_response(request, {"code": code, "message": message, "details": details}, status=status)


@api.exception_handler(SalesDeskError)
def on_salesdesk_error(request, exc: SalesDeskError):
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    access.record_denial(request, exc)
    return _error(request, 403, "forbidden", str(exc) or _("You do not have permission to do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(ValidationError)
def on_invalid(request, exc: ValidationError):
    details = [
        {"field": ".".join(str(part) for part in error.get("loc", [])[1:]), "reason": error.get("msg", "")}
        for error in exc.errors
    ]
    return _error(request, 422, "invalid", _("Some values are missing or invalid."), details)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "error", str(exc))


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    logger.exception("unhandled API error on %s", request.path)
    return _error(request, 500, "server_error", _("Something went wrong on our side; it has been logged."))
