"""The one rule for a request body's media type: every route that takes a body takes
JSON, and says so.

A route takes a body when it declares a body model; Powertools' request validation then
parses the body by its `Content-Type`. Left to itself it parses a missing type as JSON,
form and multipart types as forms (so an empty form body is a valid `{}`: a re-run with
`application/x-www-form-urlencoded` made jobs), and compares `application/json`
case-sensitively (`APPLICATION/JSON` was a 415, though media types are case-insensitive).
`JsonBodyValidation` decides before Powertools parses anything:

- `application/json`, in any case, with any parameters (`; charset=utf-8`): parsed as JSON
  (by `handlers.body.loads`);
- anything else, a missing `Content-Type` included (the Images tab and the CLI always send
  it): 415 `unsupported_media_type`, and nothing is read or written.

Routes without a body (apply, cancel, the reads) are not concerned: their body, if any,
is never read.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)

from identity_images.errors import ErrorCode, PipelineError
from identity_images.media_types import normalize

JSON_MEDIA_TYPE = "application/json"


def require_json(content_type: str | None) -> None:
    """Return if `content_type` names JSON; else 415 `unsupported_media_type`."""
    if normalize(content_type) == JSON_MEDIA_TYPE:
        return
    sent = (content_type or "").strip()[:100]
    raise PipelineError(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "Send the body as JSON, with `Content-Type: application/json`"
        + (f"; got {sent!r}." if sent else "; the request had no Content-Type."),
        details={"field": "Content-Type"},
    )


class JsonBodyValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, but a body is read only as JSON: `require_json`
    first. Powertools calls `_get_body` only for a route that declares a body."""

    def _get_body(self, app: Any) -> dict[str, Any]:
        require_json(app.current_event.headers.get("content-type"))
        body: dict[str, Any] = self._parse_json_data(app)
        return body
