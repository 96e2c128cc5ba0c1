"""The custom resource that puts our lifecycle rule in a host's bucket, against S3 (moto):
the host's own rules survive every create, update and delete."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.host_lifecycle.index import merge_rules, on_event

BUCKET = "host-media"
MARKER = "identity-images-prod:"
HOST_RULE = {
    "ID": "host-expire-tmp",
    "Filter": {"Prefix": "tmp/"},
    "Status": "Enabled",
    "Expiration": {"Days": 3},
}


def ours(days: int) -> dict[str, Any]:
    return {
        "ID": f"{MARKER}expire-uploads",
        "Filter": {"Prefix": "identity-images/uploads/"},
        "Status": "Enabled",
        "Expiration": {"Days": days},
    }


def event(request_type: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "RequestType": request_type,
        "ResourceProperties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:1:function:x",
            "BucketName": BUCKET,
            "Marker": MARKER,
            "Rules": json.dumps(rules),
        },
    }


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def rules_of(s3: Any) -> list[dict[str, Any]]:
    return list(s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"])


def ids(s3: Any) -> list[str]:
    return [rule["ID"] for rule in rules_of(s3)]


def test_create_update_delete_touch_only_our_rule(s3: Any) -> None:
    s3.put_bucket_lifecycle_configuration(
        Bucket=BUCKET, LifecycleConfiguration={"Rules": [HOST_RULE]}
    )
    answer = on_event(event("Create", [ours(2)]), s3=s3)
    assert answer["PhysicalResourceId"] == f"{BUCKET}/{MARKER}"
    assert ids(s3) == ["host-expire-tmp", f"{MARKER}expire-uploads"]
    on_event(event("Update", [ours(5)]), s3=s3)
    (mine,) = [r for r in rules_of(s3) if r["ID"].startswith(MARKER)]
    assert mine["Expiration"] == {"Days": 5}
    assert ids(s3) == ["host-expire-tmp", f"{MARKER}expire-uploads"]
    on_event(event("Delete", [ours(5)]), s3=s3)
    assert rules_of(s3) == [HOST_RULE]


def test_a_bucket_without_rules_gets_ours_and_loses_them_again(s3: Any) -> None:
    on_event(event("Create", [ours(2)]), s3=s3)
    assert ids(s3) == [f"{MARKER}expire-uploads"]
    on_event(event("Delete", []), s3=s3)
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchLifecycleConfiguration"):
        s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)


def test_a_rule_without_our_marker_is_never_written() -> None:
    with pytest.raises(ValueError, match="does not start with"):
        merge_rules([HOST_RULE], [HOST_RULE], MARKER)
