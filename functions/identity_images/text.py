"""What counts as text in what a client sends: the rule the API's bodies and the lists'
cursors share (both refuse what breaks it at the edge, as 422 `validation_error`)."""

from __future__ import annotations


def has_lone_surrogate(text: str) -> bool:
    """A UTF-16 surrogate on its own (`"\\ud800"`): JSON may escape one, but it is no valid
    text (it cannot be encoded as UTF-8), and DynamoDB and Gemini refuse it."""
    return any("\ud800" <= char <= "\udfff" for char in text)
