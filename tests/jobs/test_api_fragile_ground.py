"""What the API leans on that no public contract promises, held here so a change fails
loudly instead of quietly.

- Powertools' private request-validation hooks: `handlers/api.py` replaces the resolver's
  `_request_validation_middleware` with `routes.media_type.JsonBodyValidation`, which
  overrides `_get_body` and calls `_parse_json_data`. If Powertools renamed any of them,
  the override would silently stop applying and a form body would be parsed as a form
  again (an empty one is a valid `{}`: a re-run made jobs). The behaviour itself, a 415
  for a form, multipart or untyped body on every route with a body (the re-run's
  included) and no job written, is `tests/jobs/test_hostile_input.py`
  (`test_every_route_with_a_body_refuses_what_is_not_json_with_415`).
- The status of every stable code: a code missing from `STATUS_BY_CODE` falls to 500.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)

from identity_images.errors import ErrorCode, PipelineError
from identity_images.handlers import api
from identity_images.handlers.routes.errors import (
    NEVER_FROM_THE_API,
    STATUS_BY_CODE,
    status_of,
)
from identity_images.handlers.routes.media_type import JsonBodyValidation

ROOT = Path(__file__).resolve().parents[2]


# --- Powertools' private hooks ----------------------------------------------------------
def test_the_resolver_still_keeps_its_request_validation_in_the_attribute_we_replace() -> None:
    """Our assignment must replace Powertools' own middleware, not add an attribute
    nothing reads."""
    fresh = APIGatewayRestResolver(enable_validation=True)
    assert isinstance(
        getattr(fresh, "_request_validation_middleware", None), OpenAPIRequestValidationMiddleware
    ), "Powertools no longer keeps `_request_validation_middleware`: see routes/media_type.py"
    assert isinstance(api.app._request_validation_middleware, JsonBodyValidation)


@pytest.mark.parametrize("hook", ["_get_body", "_parse_json_data"])
def test_the_middleware_hooks_we_override_or_call_still_exist(hook: str) -> None:
    base = vars(OpenAPIRequestValidationMiddleware)
    assert callable(base.get(hook)), f"Powertools dropped {hook}: see routes/media_type.py"
    assert list(inspect.signature(base[hook]).parameters) == ["self", "app"]


def test_powertools_still_reads_a_body_through_get_body() -> None:
    """The override is only worth anything while Powertools' validation calls it."""
    source = inspect.getsource(OpenAPIRequestValidationMiddleware)
    assert "self._get_body(app)" in source


# --- a status for every code -----------------------------------------------------------
def test_every_error_code_has_a_status_or_is_never_an_answer() -> None:
    """A new code must be given its status (or be declared a job's failure only)."""
    assert set(ErrorCode) == set(STATUS_BY_CODE) | NEVER_FROM_THE_API
    assert not set(STATUS_BY_CODE) & NEVER_FROM_THE_API


def test_the_api_page_lists_the_codes_only_a_job_carries() -> None:
    """docs/api.md names the codes that are never an answer: the same set as the code."""
    page = " ".join((ROOT / "docs" / "api.md").read_text().split())
    listed = re.search(r"only a job's failure carries \(([^:]*): `NEVER_FROM_THE_API`", page)
    assert listed is not None
    assert set(re.findall(r"`(\w+)`", listed.group(1))) == {c.value for c in NEVER_FROM_THE_API}


@pytest.mark.parametrize("code", sorted(NEVER_FROM_THE_API))
def test_a_code_only_a_job_carries_is_a_500_should_it_reach_the_api(code: ErrorCode) -> None:
    assert status_of(PipelineError(code, "x")) == 500


@pytest.mark.parametrize("code", sorted(STATUS_BY_CODE))
def test_every_answer_code_is_a_client_or_dependency_status(code: ErrorCode) -> None:
    """Only `internal_error` is a 500: the other codes say what happened."""
    status = status_of(PipelineError(code, "x"))
    assert (status == 500) == (code is ErrorCode.INTERNAL_ERROR)
    assert 400 <= status < 600
