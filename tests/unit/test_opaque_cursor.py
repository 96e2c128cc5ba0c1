"""The lists' one cursor codec (`adapters.opaque_cursor`): what it hands out comes back,
anything else is 422 `validation_error` on `cursor`, whatever its shape or depth."""

from __future__ import annotations

import base64

import pytest

from identity_images.adapters.opaque_cursor import decode_fields, encode_fields
from identity_images.errors import ErrorCode, PipelineError

NAMES = frozenset({"k", "t"})


def _opaque(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_what_it_hands_out_comes_back() -> None:
    fields = {"k": "references/identities/1/a.jpg", "t": "2026-01-02T03:04:05.000000Z"}
    assert decode_fields(encode_fields(fields), NAMES) == fields


@pytest.mark.parametrize(
    "cursor",
    [
        _opaque(b"[" * 1100),
        _opaque(b'{"k":"a","t":"b","x":"c"}'),
        _opaque(b'{"k":"a"}'),
        _opaque(b'{"k":"a","t":1}'),
        _opaque(b'{"k":"a","t":["b"]}'),
        _opaque(b'{"k":"\\ud800","t":"b"}'),
        _opaque(b'{"k":"\xff","t":"b"}'),
        _opaque(b"1" * 5000),
        "",
        "%%%",
    ],
    ids=[
        "deep",
        "extra-field",
        "missing-field",
        "number",
        "list",
        "lone-surrogate",
        "not-utf8",
        "huge-integer",
        "empty",
        "not-base64",
    ],
)
def test_anything_else_is_a_validation_error_on_cursor(cursor: str) -> None:
    with pytest.raises(PipelineError) as refused:
        decode_fields(cursor, NAMES)
    assert refused.value.code == ErrorCode.VALIDATION_ERROR
    assert refused.value.details == {"field": "cursor"}
