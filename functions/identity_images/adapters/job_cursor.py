"""The history list's `cursor`: DynamoDB's `LastEvaluatedKey` of the `by_identity` index,
as an opaque URL-safe string, and back, refusing anything this list did not hand out."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime
from typing import Any

from identity_images.adapters.dynamodb_items import from_item, plain
from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.jobs import TIMESTAMP_FORMAT, format_timestamp

#: Job ids: uuid4 hex (the API's) or `regen-` + 32 hex (the trigger's).
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def encode_cursor(key: dict[str, Any]) -> str:
    raw = json.dumps(plain(from_item(key)), separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, identity_id: str) -> dict[str, Any]:
    """The `ExclusiveStartKey` for the next page of `identity_id`'s jobs; 422
    `validation_error` (`details.field` = `cursor`) for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
        valid = (
            isinstance(key, dict)
            and set(key) == {"job_id", "identity_id", "created_at"}
            and all(isinstance(v, str) for v in key.values())
            and key["identity_id"] == identity_id
            # What a key this list handed out holds: a job id, a timestamp in its one
            # form. DynamoDB refuses empty or oversized key values with a 500-worthy
            # error, so nothing else reaches it.
            and _JOB_ID.fullmatch(key["job_id"]) is not None
            and format_timestamp(datetime.strptime(key["created_at"], TIMESTAMP_FORMAT))
            == key["created_at"]
        )
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            "The cursor is not one this list handed out.",
            details={"field": "cursor"},
        )
    return {k: {"S": v} for k, v in key.items()}
