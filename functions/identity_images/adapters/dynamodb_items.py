"""Python values to DynamoDB's typed attribute values and back, and the one test for a
conditional write that did not hold: shared by the jobs table and the regeneration state
(one table, two kinds of item)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    # DynamoDB wants Decimal, never float: go through JSON once.
    plain = json.loads(json.dumps(values), parse_float=Decimal)
    return {k: _SERIALIZER.serialize(v) for k, v in plain.items()}


def to_value(value: Any) -> Any:
    return _SERIALIZER.serialize(json.loads(json.dumps(value), parse_float=Decimal))


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _DESERIALIZER.deserialize(v) for k, v in item.items()}


def plain(value: Any) -> Any:
    """Decimals back to int/float (for pydantic and JSON)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def is_conditional_failure(error: ClientError) -> bool:
    """A conditional write (or transaction) refused because its condition did not hold."""
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
