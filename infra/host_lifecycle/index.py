"""Custom resource: the pipeline's lifecycle rules in a bucket it does not own.

S3 keeps one lifecycle document per bucket, and CloudFormation can only replace it
whole, which would wipe the host's own rules. This handler reads the document, replaces
only the rules whose ID starts with the stack's marker, and writes it back; on delete it
removes only those rules. Everything else in the bucket's configuration stays as the host
set it. Runs in Lambda with the runtime's boto3; `merge_rules` is plain Python.

Properties: `BucketName`, `Marker` (e.g. `identity-images-prod:`), `Rules` (JSON list of
rules in the S3 API's shape, each ID starting with the marker).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError


def merge_rules(
    existing: list[dict[str, Any]], ours: list[dict[str, Any]], marker: str
) -> list[dict[str, Any]]:
    """The host's rules untouched, then ours (any earlier version of ours dropped)."""
    for rule in ours:
        if not str(rule.get("ID", "")).startswith(marker):
            raise ValueError(f"rule {rule.get('ID')!r} does not start with {marker!r}")
    kept = [rule for rule in existing if not str(rule.get("ID", "")).startswith(marker)]
    return kept + ours


def current_rules(s3: Any, bucket: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The bucket's rules and the document's other fields (none if it has no document)."""
    try:
        answer = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchLifecycleConfiguration":
            return [], {}
        raise
    extra = {}
    if "TransitionDefaultMinimumObjectSize" in answer:
        extra["TransitionDefaultMinimumObjectSize"] = answer["TransitionDefaultMinimumObjectSize"]
    return list(answer.get("Rules", [])), extra


def apply_rules(s3: Any, bucket: str, marker: str, ours: list[dict[str, Any]]) -> None:
    """Write `ours` into the bucket's lifecycle, keeping every rule not ours."""
    existing, extra = current_rules(s3, bucket)
    rules = merge_rules(existing, ours, marker)
    if rules == existing:
        return
    if not rules:
        s3.delete_bucket_lifecycle(Bucket=bucket)
        return
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": rules}, **extra
    )


def on_event(event: dict[str, Any], context: Any = None, s3: Any = None) -> dict[str, Any]:
    """The Provider framework's `onEvent`: Create, Update and Delete."""
    props = event["ResourceProperties"]
    bucket, marker = str(props["BucketName"]), str(props["Marker"])
    client = s3 or boto3.client("s3")
    if event["RequestType"] == "Delete":
        apply_rules(client, bucket, marker, [])
    else:
        apply_rules(client, bucket, marker, json.loads(props["Rules"]))
    # A new bucket or marker is a new resource: CloudFormation then deletes the old one,
    # which takes our rules out of the old bucket.
    return {"PhysicalResourceId": f"{bucket}/{marker}"}
