"""Real HTTP for API tests: requests against pytest-django's live server, authenticated with a
personal API token created for the persona."""

from dataclasses import dataclass

import requests

from salesdesk.org import services


@dataclass
class ApiClient:
    base_url: str
    token: str | None = None

    @classmethod
    def for_user(cls, live_server, user) -> "ApiClient":
        if user is None:
            return cls(live_server.url)
        _token, key = services.create_api_token(acting_user=user, name="tests")
        return cls(live_server.url, key)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return requests.request(
            method, f"{self.base_url}/api/v1{path}", headers=headers, timeout=30, **kwargs
        )

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def all_items(self, path: str, **params) -> list[dict]:
        """Every item of a paged list, following has_next."""
        items, page = [], 1
        while True:
            response = self.get(path, params={**params, "page": page, "page_size": 200})
            assert response.status_code == 200, response.text
            body = response.json()
            items += body["items"]
            if not body["has_next"]:
                return items
            page += 1
