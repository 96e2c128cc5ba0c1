"""The one error shape, `{"error": {"code", "message", "details"}}`, and the HTTP status of
every stable code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.api import CHARACTER_NOT_ALLOWED, ErrorResponse

STATUS_BY_CODE: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION_ERROR: 422,
    ErrorCode.REFERENCE_INVALID: 422,
    ErrorCode.REFERENCE_NOT_FOUND: 422,
    ErrorCode.IDEMPOTENCY_CONFLICT: 409,
    ErrorCode.TOO_MANY_IMAGES: 422,
    ErrorCode.IMAGE_SIZE_UNSUPPORTED: 422,
    ErrorCode.IDENTITY_UNNAMED: 422,
    ErrorCode.CHARACTER_NOT_ALLOWED: 422,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    # API Gateway's own answer (a body over its limit); the same status should one be raised.
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.FORBIDDEN: 403,
    # API Gateway's own answer (its stage throttling); the same status should one be raised.
    ErrorCode.THROTTLED: 429,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.GENERATION_NOT_FOUND: 404,
    ErrorCode.IDENTITY_NOT_FOUND: 404,
    ErrorCode.USER_NOT_FOUND: 404,
    ErrorCode.GENERATION_NOT_READY: 409,
    ErrorCode.GENERATION_NOT_FINISHED: 409,
    ErrorCode.GENERATION_RUNNING: 409,
    ErrorCode.GENERATION_FINISHED: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.HOST_UNAVAILABLE: 503,
    ErrorCode.HOST_REJECTED: 502,
    ErrorCode.QUEUE_UNAVAILABLE: 503,
    ErrorCode.INTERNAL_ERROR: 500,
}

#: The codes the API never answers with: a job's (or apply's) failure as Gemini, the
#: host's callback or a give-up (the worker's or the reaper's) ends it. Every other code
#: has its status above (a test holds both tables to `ErrorCode`); one of these reaching
#: `status_of` is a bug, and a 500 says so.
NEVER_FROM_THE_API: frozenset[ErrorCode] = frozenset(
    {
        ErrorCode.CONTENT_BLOCKED,
        ErrorCode.NO_IMAGE,
        ErrorCode.PROVIDER_REJECTED,
        ErrorCode.PROVIDER_UNAVAILABLE,
        ErrorCode.PROVIDER_NOT_CONFIGURED,
        ErrorCode.SUPERSEDED,
        ErrorCode.WORKER_GAVE_UP,
    }
)

#: A "not found" code is 404, not 422, when it is about the resource the route's path
#: names (its `details` carry the path parameter), not a key in the body.
NOT_FOUND_BY_PATH: dict[ErrorCode, str] = {ErrorCode.REFERENCE_NOT_FOUND: "reference_id"}


def status_of(error: PipelineError) -> int:
    """The HTTP status of a refused request, from the tables above."""
    path_parameter = NOT_FOUND_BY_PATH.get(error.code)
    if path_parameter is not None and path_parameter in error.details:
        return 404
    return STATUS_BY_CODE.get(error.code, 500)


#: For the OpenAPI schema of every route.
ERROR_RESPONSES: dict[int, OpenAPIResponse] = {
    status: {"description": description, "content": {"application/json": {"model": ErrorResponse}}}
    for status, description in [
        (401, "No authorized caller"),
        (403, "Not allowed for this caller"),
        (404, "Not found"),
        (409, "Conflicting state or idempotency key"),
        (415, "The body is not `application/json`"),
        (422, "Invalid request; `details.field` names the field"),
        (500, "Unexpected error"),
        (502, "The host app refused a call the request needed"),
        (503, "A dependency (the host app, the queue) is unavailable; retry"),
    ]
}


def responses(status: int, description: str, model: type[BaseModel]) -> dict[int, OpenAPIResponse]:
    """A route's OpenAPI responses: its success answer and the error shape."""
    success: OpenAPIResponse = {
        "description": description,
        "content": {"application/json": {"model": model}},
    }
    return {status: success, **ERROR_RESPONSES}


def json_response(status: int, body: BaseModel) -> Response[Any]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def error_response(error: PipelineError, status: int | None = None) -> Response[Any]:
    status = status or status_of(error)
    headers = {"Retry-After": "5"} if error.retryable and status >= 409 else None
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body={"error": error.as_dict()},
        headers=headers,
    )


#: At most this many of a request's errors are listed in `details.errors` and named in the
#: message; `details.errors_omitted` counts the rest. A body of 60,000 unknown keys has
#: 60,000 errors: listed in full, the answer would pass Lambda's 6 MB response limit (a
#: 502 from API Gateway) and the log line would be as large.
MAX_LISTED_ERRORS = 20
#: A field name longer than this (an unknown key can be megabytes) is cut, with "...".
MAX_FIELD_CHARS = 120
#: An error's message longer than this is cut too.
MAX_MESSAGE_CHARS = 300


def _cut(text: str, limit: int) -> str:
    """`text`, at most `limit` characters: the client's own input must not size the answer."""
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _field(location: Sequence[Any]) -> str:
    # Powertools locations look like ("body", "files", 0, "content_type") or
    # ("query", "limit"); the field is everything after the source.
    parts = [str(p) for p in location[1:]] if len(location) > 1 else [str(p) for p in location]
    return _cut(".".join(parts), MAX_FIELD_CHARS) or "body"


def _message(error: Any) -> str:
    return _cut(str(error.get("msg", "invalid")), MAX_MESSAGE_CHARS)


def _listed(error: Any) -> dict[str, str]:
    """One entry of `details.errors`: the field, where it was (body, query ...), why."""
    location = error.get("loc", ()) or ("body",)
    return {
        "field": _field(location),
        "location": _cut(str(location[0]), MAX_FIELD_CHARS),
        "message": _message(error),
        "type": _cut(str(error.get("type", "")), MAX_FIELD_CHARS),
    }


def _summary(fields: list[str], omitted: int) -> str:
    if not fields:
        return "Invalid request."
    more = f" (and {omitted} more error{'s' if omitted != 1 else ''})" if omitted else ""
    return f"Invalid request: {', '.join(fields)}{more}."


#: Powertools' error type for a body it could not parse as JSON (its location is
#: `("body", <position>)`: the position is no field).
JSON_INVALID = "json_invalid"


def _not_json(error: Any) -> PipelineError:
    """A body that is not JSON (or that `handlers.body.loads` refuses: too deep, a lone
    surrogate), said as such: `details.field` is `body`, with why and where."""
    location = error.get("loc", ())
    position = location[1] if len(location) > 1 and isinstance(location[1], int) else None
    reason = (error.get("ctx") or {}).get("error")
    details: dict[str, Any] = {"field": "body"}
    if isinstance(reason, str) and reason:
        details["reason"] = _cut(reason, MAX_MESSAGE_CHARS)
    if position is not None:
        details["position"] = position
    return PipelineError(ErrorCode.VALIDATION_ERROR, "The body is not valid JSON.", details=details)


def _character_refused(error: Any) -> PipelineError:
    """Free text holding a character that could hide or disguise it: its own code, and its
    message (which character, where) as the answer's, for a client to show as it is."""
    context = error.get("ctx") or {}
    return PipelineError(
        ErrorCode.CHARACTER_NOT_ALLOWED,
        _message(error),
        details={
            "field": _field(error.get("loc", ()) or ("body",)),
            "character": context.get("character"),
            "position": context.get("position"),
        },
    )


def validation_error(errors: Sequence[Any]) -> PipelineError:
    """A Powertools RequestValidationError as `validation_error`, naming each field: the
    first `MAX_LISTED_ERRORS` of them, so the answer (and its log line) stays small
    whatever the body holds; `details.errors_omitted` says how many more there were. A
    body that is not JSON is one error about the body, not about a field; a text holding a
    character that could hide it is `character_not_allowed` (the first such)."""
    unparsed = next((e for e in errors if e.get("type") == JSON_INVALID), None)
    if unparsed is not None:
        return _not_json(unparsed)
    refused = next((e for e in errors if e.get("type") == CHARACTER_NOT_ALLOWED), None)
    if refused is not None:
        return _character_refused(refused)
    items = [_listed(e) for e in errors[:MAX_LISTED_ERRORS]]
    fields = list(dict.fromkeys(item["field"] for item in items))
    omitted = max(len(errors) - len(items), 0)
    details: dict[str, Any] = {"field": fields[0] if fields else "body", "errors": items}
    if omitted:
        details["errors_omitted"] = omitted
    return PipelineError(ErrorCode.VALIDATION_ERROR, _summary(fields, omitted), details=details)
