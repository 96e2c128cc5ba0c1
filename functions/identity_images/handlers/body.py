"""How the API reads a JSON body: the standard parser, with the limits a hostile client
needs.

Powertools calls this for every JSON body (`json_body_deserializer`). Whatever is wrong
raises `json.JSONDecodeError`, which Powertools turns into a `RequestValidationError`
(422 `validation_error`), never a 500:

- nesting deeper than `MAX_DEPTH` (50,000 `[` would be a `RecursionError`);
- a lone surrogate (`"\\ud800"`): valid JSON, but no valid text; DynamoDB and Gemini
  refuse it later;
- an integer of more digits than Python converts (4,300: a plain `ValueError`).
"""

from __future__ import annotations

import json
from typing import Any

from identity_images.text import has_lone_surrogate

#: Deeper than any body of this API needs (the deepest is 3).
MAX_DEPTH = 32


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


def loads(text: str) -> Any:
    """`json.loads`, refusing what `_check` refuses."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise _refuse(f"nested deeper than {MAX_DEPTH} levels", text) from None
    except ValueError as error:  # "Exceeds the limit (4300 digits) for integer string ..."
        raise _refuse(str(error), text) from None
    _check(value, text)
    return value
