"""Property-based: the whole public API, from its own `/v1/openapi.json`, against
`identity-images serve` (the local API Gateway with the real authorizer, Django, moto),
called as an admin. Whatever schemathesis sends, valid or broken on purpose, the answer
is never a 5xx, a documented answer matches its schema, and every refusal is the error
shape.

Bounded: a few examples per operation, no shrinking, no example database, so the run
stays under a minute on a slow machine. `make test` runs it.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.e2e.conftest import RunningStack
from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

#: Per operation; the API has 11, so a run is about 11 x this many requests.
EXAMPLES_PER_OPERATION = 12
REQUEST_TIMEOUT_S = 30
#: Generous for a loaded 2-core machine; a run normally takes a fraction of it.
WALL_TIME_BUDGET_S = 120


@pytest.fixture(scope="module")
def admin_headers(stack: RunningStack) -> dict[str, str]:
    return {"Authorization": f"Bearer {login(stack, 'admin', 'admin-password')}"}


@pytest.fixture(scope="module")
def api_schema(stack: RunningStack, admin_headers: dict[str, str]) -> Any:
    # The schema is behind the authorizer too; fetch it as the admin.
    answer = httpx.get(f"{stack.api_url}/v1/openapi.json", headers=admin_headers, timeout=30)
    assert answer.status_code == 200, answer.text
    document = answer.json()
    document["servers"] = [{"url": stack.api_url}]
    return schemathesis.openapi.from_dict(document)


def _error_shape(body: Any) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    return (
        isinstance(error, dict)
        and set(error) == {"code", "message", "details"}
        and isinstance(error["code"], str)
        and isinstance(error["message"], str)
        and isinstance(error["details"], dict)
    )


def _cases(operation: Any) -> st.SearchStrategy[Any]:
    """Valid requests, and requests that break the schema on purpose."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):  # an operation with nothing to break has none
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.one_of(strategies)


def test_no_request_gets_a_5xx_and_every_answer_is_documented(
    api_schema: Any, stack: RunningStack, admin_headers: dict[str, str]
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10  # every route of the schema, not a stray subset
    started = time.monotonic()
    seen: dict[str, set[int]] = {}

    for operation in operations:

        @given(case=_cases(operation))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def exchange(case: Any) -> None:
            response = case.call(
                base_url=stack.api_url, headers=admin_headers, timeout=REQUEST_TIMEOUT_S
            )
            seen.setdefault(case.operation.label, set()).add(response.status_code)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
            if response.status_code >= 400:
                assert _error_shape(response.json()), (response.status_code, response.text)

        exchange()

    # Every operation was exercised, and the run stayed bounded.
    assert set(seen) == {op.label for op in operations}, seen
    assert time.monotonic() - started < WALL_TIME_BUDGET_S
