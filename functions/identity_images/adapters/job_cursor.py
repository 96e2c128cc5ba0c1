"""The history list's `cursor`: DynamoDB's `LastEvaluatedKey` of the `by_identity` index,
as an opaque URL-safe string (`adapters.opaque_cursor`), and back, refusing anything this
list did not hand out."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from identity_images.adapters.dynamodb_items import from_item, plain
from identity_images.adapters.opaque_cursor import decode_fields, encode_fields, invalid_cursor
from identity_images.models.jobs import TIMESTAMP_FORMAT, format_timestamp

#: Job ids: uuid4 hex (the API's) or `regen-` + 32 hex (the trigger's).
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: The attributes of a `by_identity` key: the index's and the table's.
_KEY_FIELDS = frozenset({"job_id", "identity_id", "created_at"})


def encode_cursor(key: dict[str, Any]) -> str:
    return encode_fields(plain(from_item(key)))


def decode_cursor(cursor: str, identity_id: str) -> dict[str, Any]:
    """The `ExclusiveStartKey` for the next page of `identity_id`'s jobs; 422
    `validation_error` (`details.field` = `cursor`) for anything else."""
    key = decode_fields(cursor, _KEY_FIELDS)
    if key["identity_id"] != identity_id or not _is_key_this_list_hands_out(key):
        raise invalid_cursor()
    return {k: {"S": v} for k, v in key.items()}


def _is_key_this_list_hands_out(key: dict[str, str]) -> bool:
    """A job id and a timestamp in its one form. DynamoDB refuses empty or oversized key
    values with a 500-worthy error, so nothing else reaches it."""
    if _JOB_ID.fullmatch(key["job_id"]) is None:
        return False
    try:
        parsed = datetime.strptime(key["created_at"], TIMESTAMP_FORMAT)
    except ValueError:
        return False
    return format_timestamp(parsed) == key["created_at"]
