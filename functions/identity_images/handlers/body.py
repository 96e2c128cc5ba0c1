"""How the API reads a JSON body: the standard parser, with the limits a hostile client
needs.

Powertools calls this for every JSON body (`json_body_deserializer`). Whatever is wrong
raises `json.JSONDecodeError`, which Powertools turns into a `RequestValidationError`
(422 `validation_error`), never a 500:

- nesting deeper than `MAX_DEPTH` (50,000 `[` would be a `RecursionError`);
- a lone surrogate (`"\\ud800"`): valid JSON, but no valid text; DynamoDB and Gemini
  refuse it later;
- an integer of more digits than Python converts (4,300: a plain `ValueError`);
- `NaN`, `Infinity`, `-Infinity`: Python's extension, not JSON (RFC 8259), and no
  number any field of this API means.

A key given twice in one object (`{"apply": true, "apply": false}`) is refused too, as a
`PipelineError` (422 `validation_error`, `details.field` = the key) rather than a parse
error: the plain parser keeps the last, so the API would act on a body other than the one
a client (or a proxy, a log, a signature over the text) read first.
"""

from __future__ import annotations

import json
from typing import Any

from identity_images.errors import ErrorCode, PipelineError
from identity_images.text import has_lone_surrogate

#: Deeper than any body of this API needs (the deepest is 3).
MAX_DEPTH = 32
#: A repeated key is named in the answer cut to this many characters (as a field name is
#: in `routes.errors`): the client's own input must not size the answer.
MAX_KEY_CHARS = 120


def _refuse(reason: str, text: str) -> json.JSONDecodeError:
    return json.JSONDecodeError(reason, text, 0)


def _check(value: Any, text: str) -> None:
    """Depth and lone surrogates, walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if has_lone_surrogate(item):
                raise _refuse("a string holds a lone surrogate (not valid Unicode)", text)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise _refuse(f"nested deeper than {MAX_DEPTH} levels", text)
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object, unless it holds a key twice."""
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    seen: set[str] = set()
    key = ""
    for key, _ in pairs:
        if key in seen:
            break
        seen.add(key)
    if has_lone_surrogate(key):  # not echoed back: no valid text
        raise _refuse("a string holds a lone surrogate (not valid Unicode)", "")
    shown = key if len(key) <= MAX_KEY_CHARS else f"{key[: MAX_KEY_CHARS - 3]}..."
    raise PipelineError(
        ErrorCode.VALIDATION_ERROR,
        f"The body gives the key {json.dumps(shown)} more than once; give each key once.",
        details={"field": shown, "reason": "duplicate_key"},
    )


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str) -> Any:
    """`json.loads`, refusing what `_check` refuses, a repeated key and the non-numbers."""
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise _refuse(f"nested deeper than {MAX_DEPTH} levels", text) from None
    except ValueError as error:  # "Exceeds the limit (4300 digits) for integer string ..."
        raise _refuse(str(error), text) from None
    _check(value, text)
    return value
