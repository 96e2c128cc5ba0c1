"""The public API Lambda: Powertools REST resolver, routes in `handlers.routes`.

Never imports google-genai or Pillow (cold start): `tests/jobs/test_api_imports.py`
checks the import graph.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import (
    APIGatewayRestResolver,
    CORSConfig,
    Response,
    content_types,
)
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from identity_images.errors import ErrorCode, PipelineError
from identity_images.handlers import body, init_phase, unmatched
from identity_images.handlers.observability import load_tracing, logger, metrics, tracer
from identity_images.handlers.routes import config, deps, generations, references, uploads, users
from identity_images.handlers.routes.errors import error_response, validation_error
from identity_images.handlers.routes.media_type import JsonBodyValidation
from identity_images.models.api import build_api_models
from identity_images.settings import get_settings

API_TITLE = "Identity images API"
API_VERSION = "1.0.0"


def _cors() -> CORSConfig:
    origins = get_settings().allowed_origin_list or ["*"]
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=origins[1:],
        allow_headers=["Idempotency-Key"],
        max_age=600,
    )


app = APIGatewayRestResolver(
    enable_validation=True, cors=_cors(), json_body_deserializer=body.loads
)
# Powertools' request validation, reading a body only as JSON (415 otherwise): the one
# media-type rule, `routes.media_type`. Set before any route is built, which picks it up.
app._request_validation_middleware = JsonBodyValidation()  # type: ignore[no-untyped-call]
app.include_router(uploads.router)
app.include_router(generations.router)
app.include_router(users.router)
app.include_router(config.router)
app.include_router(references.router)


def openapi_json() -> str:
    """The schema of every route, generated from the pydantic models.

    Powertools' OpenAPI models are imported here, not at module level: only this route
    needs them, and they are a sizeable part of a cold start's import time. The API's
    models, which defer their build, are built first, so every route's schema reuses them."""
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    build_api_models()
    schema = app.get_openapi_json_schema(
        title=API_TITLE,
        version=API_VERSION,
        description="Generate identity images with Gemini; every route needs an admin token.",
        security_schemes={"adminToken": HTTPBearer(bearerFormat="JWT")},
        security=[{"adminToken": []}],
    )
    return json.dumps(_without_empty_content(json.loads(schema)), separators=(",", ":"))


def _without_empty_content(schema: dict[str, Any]) -> dict[str, Any]:
    """A response declared with `"content": {}` (a 204) declares no content at all:
    Powertools fills in a JSON body of the return type when a route gives none, and
    keeps an empty map as it is."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):  # a path's own `parameters`, were there any
                continue
            for response in operation.get("responses", {}).values():
                if response.get("content") == {}:
                    del response["content"]
    return schema


@app.get("/v1/openapi.json", include_in_schema=False)
def get_openapi() -> Response[str]:
    return Response(
        status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_json()
    )


# Every route is registered (the schema's just above): each matches its own paths only.
unmatched.match_only_their_paths([*app._static_routes, *app._dynamic_routes])


@app.exception_handler(PipelineError)  # type: ignore[untyped-decorator]
def handle_pipeline_error(error: PipelineError) -> Response[Any]:
    logger.info("request refused", extra={"code": error.code.value, "error_message": error.message})
    metrics.add_metric(name="RequestsRefused", unit=MetricUnit.Count, value=1)
    return error_response(error)


@app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
def handle_validation_error(error: RequestValidationError) -> Response[Any]:
    """422 `validation_error`. Only the capped answer is logged, never `error.errors()`
    itself: a hostile body can hold tens of thousands of errors."""
    refused = validation_error(error.errors())
    logger.info("request invalid", extra={"details": refused.details})
    return error_response(refused, 422)


@app.exception_handler(UnicodeDecodeError)  # type: ignore[untyped-decorator]
def handle_undecodable_body(error: UnicodeDecodeError) -> Response[Any]:
    # The only bytes the API decodes are the request body's (Powertools, before parsing).
    logger.info("request body not UTF-8", extra={"position": error.start})
    return error_response(
        PipelineError(
            ErrorCode.VALIDATION_ERROR,
            "The body is not UTF-8 text.",
            details={"field": "body", "position": error.start},
        )
    )


@app.not_found
def handle_not_found(_: NotFoundError) -> Response[Any]:
    """No route took the request (`handlers.unmatched` says why): 405
    `method_not_allowed` with `Allow` when the path is there under other methods (HEAD
    included: no route answers it), 422 when its id is no id, else 404 `not_found`."""
    event = app.current_event
    method = event.http_method.upper()
    unmatched_by = unmatched.diagnose(
        [*app._static_routes, *app._dynamic_routes], method, event.path
    )
    if unmatched_by.allowed:
        allowed = unmatched_by.allowed
        refused = PipelineError(
            ErrorCode.METHOD_NOT_ALLOWED,
            f"Use {' or '.join(allowed)} on this path.",
            details={"allowed": list(allowed)},
        )
        logger.info("method not allowed", extra={"method": method[:16], "allowed": allowed})
        response = error_response(refused)
        response.headers["Allow"] = ", ".join(allowed)
        return response
    if unmatched_by.errors:
        invalid = validation_error(unmatched_by.errors)
        logger.info("request invalid", extra={"details": invalid.details})
        return error_response(invalid, 422)
    return error_response(PipelineError(ErrorCode.NOT_FOUND, "No such route."), 404)


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def handle_unexpected(error: Exception) -> Response[Any]:
    logger.exception("unexpected error")
    metrics.add_metric(name="UnexpectedErrors", unit=MetricUnit.Count, value=1)
    return error_response(
        PipelineError(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side."), 500
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
# No answer in the trace: answers hold presigned URLs (and the schema would not fit in
# the X-Ray daemon's UDP packet).
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # For the adapters that need it (Idempotency's in-progress expiry), through the
    # resolver's context, which Powertools clears after each invocation.
    app.append_context(**{deps.LAMBDA_CONTEXT: context})  # type: ignore[no-untyped-call]
    return app.resolve(event, context)


init_phase.prepare(load_tracing, deps.prepare, build_api_models, logger=logger)
