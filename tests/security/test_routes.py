"""Every page and API route declares the permission rule that guards it (or that it is public)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from salesdesk.api import api
from salesdesk.core import access

PUBLIC_PAGES = {"login", "logout", "set_language"}


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _unwrap_rule(view):
    while view is not None:
        if hasattr(view, "access_rule"):
            return view.access_rule
        view = getattr(view, "__wrapped__", None) or getattr(
            getattr(view, "view_class", None), "access_rule", None
        )
    return None


def test_every_page_declares_a_known_rule():
    missing, unknown = [], []
    for route, pattern in _patterns(get_resolver()):
        if route.startswith("api/v1/"):
            continue  # the API's own routes are checked operation by operation below
        rule = _unwrap_rule(pattern.callback)
        if rule is None:
            missing.append(route)
        elif rule == "public":
            assert pattern.name in PUBLIC_PAGES, f"{route} is public but not in the list of public pages"
        elif rule not in access.registered_rules():
            unknown.append(f"{route}: {rule}")
    assert not missing, f"routes without a permission rule: {missing}"
    assert not unknown, f"routes naming unknown rules: {unknown}"


def test_every_api_operation_declares_a_known_rule():
    missing = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                rule = _unwrap_rule(operation.view_func)
                if rule not in access.registered_rules():
                    missing.append(f"{operation.methods} {prefix}{path}: {rule}")
    assert not missing, f"API operations without a known rule: {missing}"


@pytest.mark.django_db
def test_every_api_operation_refuses_anonymous_callers_with_401():
    spec = Client().get("/api/v1/openapi.json").json()
    assert len(spec["paths"]) >= 10
    for path, operations in spec["paths"].items():
        url = "/api/v1" + re.sub(r"{[^}]+}", "1", path.removeprefix("/api/v1"))
        for method in operations:
            response = Client().generic(method.upper(), url, "{}", content_type="application/json")
            assert response.status_code == 401, f"{method.upper()} {path}: {response.status_code}"
            assert response.json()["code"] == "unauthenticated"


def test_api_schema_names_are_unique():
    """OpenAPI components are named after the schema classes: two classes with one name would
    silently document one shape for both."""
    import inspect

    from pydantic import BaseModel

    seen: dict[str, type] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                models = [*operation.response_models.values()]
                for model in models:
                    for field in getattr(model, "model_fields", {}).values():
                        annotation = field.annotation
                        for candidate in (annotation, *getattr(annotation, "__args__", ())):
                            if inspect.isclass(candidate) and issubclass(candidate, BaseModel):
                                name = candidate.__name__
                                assert seen.setdefault(name, candidate) is candidate, (
                                    f"two schemas named {name}"
                                )
