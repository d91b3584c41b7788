"""Schemathesis over the whole API, for every role, over real HTTP: no 5xx, and every answer
has a documented status code and matches its documented schema."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from salesdesk.org import services
from tests.conftest import build_personas

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
ROLES = ["rep", "supervisor", "manager", "director", "finance", "admin", "outsider"]
# Invalid input is refused before any scope matters, so two roles suffice for it; valid input
# reaches the services, whose answers depend on the caller's rights: every role gets it.
NEGATIVE_ROLES = {"rep", "admin"}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


def _fuzz(operation, mode, base_url, headers) -> str | None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)

    try:
        run()
    except Exception as exc:  # collect every operation's failure, then report them together
        return f"{operation.label} [{mode}]: {exc}"[:2000]
    return None


@pytest.mark.parametrize("role", ROLES)
def test_api_never_fails_on_any_input(role, transactional_db, live_server):
    personas = build_personas()
    _token, key = services.create_api_token(acting_user=getattr(personas, role), name="fuzz")
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json", timeout=60)
    headers = {"Authorization": f"Bearer {key}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if role in NEGATIVE_ROLES else [])
        for mode in modes:
            failure = _fuzz(operation, mode, live_server.url, headers)
            if failure:
                failures.append(failure)
    assert not failures, "\n\n".join(failures)
