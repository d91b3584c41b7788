from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.products import selectors, services
from tests.http import ApiClient


def _create(user, company, code="P1", name="Pump", price="100.00"):
    return services.create_product(
        acting_user=user, company=company, code=code, name=name, list_price=Decimal(price)
    )


def test_directors_and_admins_keep_the_catalogue(org):
    product = _create(org.director, org.company)
    assert product.version == 1
    with pytest.raises(PermissionDenied):
        _create(org.manager, org.company, code="P2", name="Valve")
    product = services.update_product(
        acting_user=org.admin, product=product, expected_version=1, changes={"list_price": Decimal("120")}
    )
    assert product.list_price == Decimal("120") and product.version == 2


def test_codes_and_names_are_unique_per_company(org):
    _create(org.director, org.company)
    with pytest.raises(BusinessRuleViolation) as exc:
        _create(org.director, org.company, name="Other")
    assert "code" in exc.value.details["fields"]


def test_stale_product_edit_is_refused(org):
    product = _create(org.director, org.company)
    services.update_product(
        acting_user=org.director, product=product, expected_version=1, changes={"name": "A"}
    )
    with pytest.raises(StaleVersion):
        services.update_product(
            acting_user=org.admin, product=product, expected_version=1, changes={"name": "B"}
        )


def test_everyone_in_the_company_reads_the_catalogue(org):
    _create(org.director, org.company)
    assert [p.name for p in selectors.product_list(org.rep)] == ["Pump"]
    assert [p.name for p in selectors.product_list(org.finance)] == ["Pump"]
    assert list(selectors.product_list(org.outsider)) == []


def test_product_pages(org):
    product = _create(org.director, org.company)
    rep, director = Client(), Client()
    rep.force_login(org.rep)
    director.force_login(org.director)
    assert "Pump" in rep.get(reverse("products:product_list")).content.decode()
    assert rep.get(reverse("products:product_detail", args=[product.pk])).status_code == 200
    assert rep.get(reverse("products:product_edit", args=[product.pk])).status_code == 403
    response = director.post(
        reverse("products:product_edit", args=[product.pk]),
        {
            "version": 1,
            "code": "P1",
            "name": "Pump II",
            "unit": "台",
            "list_price": "99",
            "is_active": "True",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.is_active) == ("Pump II", True)
    response = director.post(
        reverse("products:product_create"),
        {"code": "P2", "name": "Valve", "unit": "个", "list_price": "5", "is_active": "False"},
    )
    assert response.status_code == 302


def test_product_api_over_http(transactional_db, live_server):
    from tests.conftest import build_personas

    org = build_personas()
    director = ApiClient.for_user(live_server, org.director)
    rep = ApiClient.for_user(live_server, org.rep)
    created = director.post("/products", json={"code": "P9", "name": "Motor", "list_price": "10.50"})
    assert created.status_code == 201, created.text
    product = created.json()
    assert rep.get(f"/products/{product['id']}").json()["name"] == "Motor"
    assert rep.patch(f"/products/{product['id']}", json={"version": 1, "name": "X"}).status_code == 403
    stale = director.patch(f"/products/{product['id']}", json={"version": 1, "name": "Motor 2"})
    assert stale.status_code == 200
    again = director.patch(f"/products/{product['id']}", json={"version": 1, "name": "Motor 3"})
    assert again.status_code == 409 and again.json()["code"] == "stale_version"
    assert [p["name"] for p in rep.get("/products", params={"q": "mot"}).json()["items"]] == ["Motor 2"]
