"""`-c hostBucketName=…`: the pipeline inside a host's existing media bucket.

The bucket is imported, never created, so nothing the stack does can replace or delete
it; grants, the notification and the lifecycle rule name only the pipeline's prefixes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.config import ConfigError, InfraConfig
from tests.infra.conftest import Synthesized, synthesize
from tests.infra.test_stack import HANDLERS, as_list, environment, function_id, statements

HOST_BUCKET = "host-media-bucket"
ROOT = "identity-images/"


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(
        tmp_path_factory.mktemp("cdk.out.host"),
        {"allowedOrigins": "https://admin.example.com", "hostBucketName": HOST_BUCKET},
    )


def arn_text(value: Any) -> str:
    """`{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::b/k*"]]}` -> text."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(arn_text(part) for part in parts)
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    return json.dumps(value)


def s3_statements(synth: Synthesized, name: str) -> list[dict[str, Any]]:
    return [
        s
        for s in statements(synth, name)
        if any(str(a).startswith("s3:") for a in as_list(s["Action"]))
    ]


def test_the_hosts_bucket_is_imported_not_created(hosted: Synthesized) -> None:
    assert hosted.of_type("AWS::S3::Bucket") == {}
    assert hosted.of_type("AWS::S3::BucketPolicy") == {}
    assert HOST_BUCKET in json.dumps(hosted.template["Outputs"]["BucketName"])
    assert hosted.template["Outputs"]["BucketPrefix"]["Value"] == ROOT


def test_cdk_nag_has_no_unacknowledged_finding_in_host_mode(hosted: Synthesized) -> None:
    violations = [
        (v["ruleName"], [c["constructPath"] for c in v["violatingConstructs"]])
        for plugin in (hosted.validation_report or {}).get("pluginReports", [])
        for v in plugin["violations"]
    ]
    assert violations == []
    assert hosted.validation_error is None


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_functions_know_the_root_prefix(hosted: Synthesized, name: str) -> None:
    env = environment(hosted, name)
    if name == "authorizer":
        assert "BUCKET_PREFIX" not in env
    else:
        assert env["BUCKET_PREFIX"] == ROOT
        assert env["BUCKET_NAME"] == HOST_BUCKET


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_grants_reach_only_the_pipelines_prefixes(hosted: Synthesized, name: str) -> None:
    bucket_arn = f"arn:<AWS::Partition>:s3:::{HOST_BUCKET}"
    allowed = {f"{bucket_arn}/{ROOT}{p}*" for p in ("uploads/", "references/identities/")}
    allowed.add(f"{bucket_arn}/{ROOT}generated/*")
    allowed.add(f"{bucket_arn}/{ROOT}prepared/*")
    for statement in s3_statements(hosted, name):
        resources = {arn_text(r) for r in as_list(statement["Resource"])}
        if as_list(statement["Action"]) == ["s3:ListBucket"]:
            assert resources == {bucket_arn}
            prefixes = as_list(statement["Condition"]["StringLike"]["s3:prefix"])
            assert all(p.startswith(ROOT) for p in prefixes), prefixes
        else:
            assert resources <= allowed, resources


def test_the_worker_writes_only_generated_and_prepared(hosted: Synthesized) -> None:
    pairs = {
        (action, arn_text(resource).rsplit(":::", 1)[1])
        for statement in s3_statements(hosted, "worker")
        for action in as_list(statement["Action"])
        if action != "s3:ListBucket"
        for resource in as_list(statement["Resource"])
    }
    assert pairs == {
        ("s3:GetObject", f"{HOST_BUCKET}/{ROOT}uploads/*"),
        ("s3:GetObject", f"{HOST_BUCKET}/{ROOT}references/identities/*"),
        # A re-run reads kept references; a refine reads the image to edit.
        ("s3:GetObject", f"{HOST_BUCKET}/{ROOT}prepared/*"),
        ("s3:GetObject", f"{HOST_BUCKET}/{ROOT}generated/*"),
        ("s3:PutObject", f"{HOST_BUCKET}/{ROOT}generated/*"),
        ("s3:PutObject", f"{HOST_BUCKET}/{ROOT}prepared/*"),
    }


def test_the_notification_covers_only_our_references_and_keeps_the_hosts(
    hosted: Synthesized,
) -> None:
    (notifications,) = hosted.of_type("Custom::S3BucketNotifications").values()
    props = notifications["Properties"]
    assert props["BucketName"] == HOST_BUCKET
    # Not managed: CDK's handler merges with the host's own notifications and removes
    # only ours on delete.
    assert props["Managed"] is False
    (queue_config,) = props["NotificationConfiguration"]["QueueConfigurations"]
    assert queue_config["Filter"]["Key"]["FilterRules"] == [
        {"Name": "prefix", "Value": f"{ROOT}references/identities/"}
    ]


def test_the_lifecycle_rule_is_ours_only_and_merged_not_replaced(hosted: Synthesized) -> None:
    (lifecycle,) = hosted.of_type("Custom::HostBucketLifecycle").values()
    props = lifecycle["Properties"]
    assert props["BucketName"] == HOST_BUCKET
    assert props["Marker"] == "identity-images-dev:"
    rule, prepared = sorted(
        json.loads(props["Rules"]), key=lambda r: r["ID"] != ("identity-images-dev:expire-uploads")
    )
    assert rule["ID"] == "identity-images-dev:expire-uploads"
    assert rule["Filter"] == {"Prefix": f"{ROOT}uploads/"}
    assert 1 <= rule["Expiration"]["Days"] <= 2
    # A job's prepared references expire a few days after the job record (TTL 90 days).
    assert prepared["ID"] == "identity-images-dev:expire-prepared-references"
    assert prepared["Filter"] == {"Prefix": f"{ROOT}prepared/"}
    assert prepared["Expiration"]["Days"] > 90
    (handler,) = [
        f
        for f in hosted.of_type("AWS::Lambda::Function").values()
        if f["Properties"].get("Handler") == "index.on_event"
    ]
    role = handler["Properties"]["Role"]["Fn::GetAtt"][0]
    granted = [
        s
        for p in hosted.of_type("AWS::IAM::Policy").values()
        if {"Ref": role} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if any(a.startswith("s3:") for a in as_list(s["Action"]))
    ]
    (s3_grant,) = granted
    assert sorted(as_list(s3_grant["Action"])) == [
        "s3:GetLifecycleConfiguration",
        "s3:PutLifecycleConfiguration",
    ]
    assert arn_text(s3_grant["Resource"]) == f"arn:<AWS::Partition>:s3:::{HOST_BUCKET}"


def test_no_function_may_delete_or_reconfigure_the_bucket(hosted: Synthesized) -> None:
    for name in HANDLERS:
        for statement in s3_statements(hosted, name):
            for action in as_list(statement["Action"]):
                assert action in {
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:ListBucket",
                }, (name, action)
    assert function_id(hosted, "worker")


def test_context_decides_the_layout() -> None:
    assert InfraConfig().bucket_layout.root == ""
    assert InfraConfig(hostBucketName=HOST_BUCKET).bucket_layout.root == ROOT
    custom = InfraConfig(hostBucketName=HOST_BUCKET, bucketPrefix="media/pipeline")
    assert custom.bucket_layout.root == "media/pipeline/"
    with pytest.raises(ValueError, match="needs a bucketPrefix"):
        InfraConfig(hostBucketName=HOST_BUCKET, bucketPrefix="")
    with pytest.raises(ValueError, match="not an S3 bucket name"):
        InfraConfig(hostBucketName="Not_A_Bucket")


def test_a_bad_prefix_fails_synth_with_a_clear_message() -> None:
    from aws_cdk import App

    app = App(context={"hostBucketName": HOST_BUCKET, "bucketPrefix": "../up"})
    with pytest.raises(ConfigError, match="bucketPrefix"):
        InfraConfig.from_context(app)


def test_without_the_context_the_dedicated_bucket_keeps_keys_at_its_top(
    synthesized: Synthesized,
) -> None:
    assert len(synthesized.of_type("AWS::S3::Bucket")) == 2  # images + access logs
    assert synthesized.of_type("Custom::HostBucketLifecycle") == {}
    for name in ("api", "worker", "trigger"):
        assert environment(synthesized, name)["BUCKET_PREFIX"] == ""
    assert synthesized.template["Outputs"]["BucketPrefix"]["Value"] == "/"
