"""The one codec of the lists' opaque `cursor`s: a flat JSON object of strings, as
URL-safe base64 without padding. The history (`adapters.job_cursor`) and the reference
listing (`logic.references`) both use it, so both refuse the same things the same way.

A cursor comes from the client, so it is hostile input: anything that is not what a list
handed out (not base64, not UTF-8 JSON, nested, `"["` * 1100, which makes `json.loads`
raise `RecursionError`, not an object of exactly the expected string fields, a lone
surrogate) is 422 `validation_error` with `details.field` = `cursor`, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Set
from typing import Any

from identity_images.errors import ErrorCode, PipelineError
from identity_images.text import has_lone_surrogate


def invalid_cursor() -> PipelineError:
    """The refusal of a cursor no list handed out (the same for every list)."""
    return PipelineError(
        ErrorCode.VALIDATION_ERROR,
        "The cursor is not one this list handed out.",
        details={"field": "cursor"},
    )


def encode_fields(fields: Mapping[str, str]) -> str:
    """`fields` as an opaque cursor (sorted, compact: the same fields give the same text)."""
    raw = json.dumps(dict(fields), separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_fields(cursor: str, names: Set[str]) -> dict[str, str]:
    """The fields of a cursor `encode_fields` made with exactly `names`; `invalid_cursor()`
    for anything else. The caller still checks what the values mean."""
    value = _parse(cursor)
    if not _is_flat_object_of(value, names):
        raise invalid_cursor()
    fields: dict[str, str] = value
    return fields


def _parse(cursor: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(raw.decode("utf-8"))
    # ValueError covers binascii.Error, UnicodeDecodeError and JSONDecodeError;
    # RecursionError is what deep nesting raises.
    except (binascii.Error, ValueError, RecursionError) as error:
        raise invalid_cursor() from error


def _is_flat_object_of(value: Any, names: Set[str]) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == set(names)
        and all(isinstance(v, str) and not has_lone_surrogate(v) for v in value.values())
    )
