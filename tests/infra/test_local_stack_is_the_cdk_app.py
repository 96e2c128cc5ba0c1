"""The local stack is the CDK app: every setting the two share, compared.

The template is synthesized with no context (as `make synth` does, skipLayerBuild), the
local resources are created on a moto server exactly as `identity-images serve` creates
them, and each shared setting is read back from both sides. Both read
`infra.resource_spec`; this test is what keeps them from drifting apart again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from identity_images.adapters import aws
from identity_images.settings import get_settings
from local_stack import aws_resources, local_resources
from local_stack.moto_server import LocalMoto
from local_stack.stack import (
    CDK_GATEWAY_RESPONSES,
    FUNCTION_ENVIRONMENT,
    StackOptions,
    event_source_mappings,
    gateway_config,
    local_functions,
)
from tests.infra.conftest import Synthesized, synthesize
from tests.infra.test_stack import HANDLERS, environment, event_source_queues, function_id, one

REGION = "us-east-1"


@pytest.fixture(scope="module")
def cdk(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("cdk.default"), {})


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[aws_resources.Resources]:
    server = LocalMoto(port=0)
    server.start()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ENDPOINT_URL": server.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }.items():
            patch.setenv(name, value)
        for name in ("WORKER_MAX_RECEIVE_COUNT", "BUCKET_NAME", "JOBS_TABLE_NAME"):
            patch.delenv(name, raising=False)
        get_settings.cache_clear()
        aws.reset_clients()
        resources = aws_resources.create_all(get_settings())
        local_resources.allow_browser_uploads(
            aws.s3(), resources.bucket_name, StackOptions().allowed_origins
        )
        yield resources
        get_settings.cache_clear()
        aws.reset_clients()
    server.stop()


# --- reading both sides -------------------------------------------------------------------
def cdk_queue(cdk: Synthesized, consumer: str) -> tuple[dict[str, Any], dict[str, Any]]:
    (queue,) = event_source_queues(cdk, consumer)
    props = cdk.props(queue)
    dead_letters = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    return props, cdk.props(dead_letters)


def local_queue(url: str) -> dict[str, str]:
    attributes = aws.sqs().get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    return {str(name): value for name, value in attributes["Attributes"].items()}


def queue_settings(props: dict[str, Any], dlq_props: dict[str, Any]) -> dict[str, int]:
    return {
        "visibility_timeout_s": int(props["VisibilityTimeout"]),
        "retention_s": int(props["MessageRetentionPeriod"]),
        "max_receive_count": int(props["RedrivePolicy"]["maxReceiveCount"]),
        "dead_letter_retention_s": int(dlq_props["MessageRetentionPeriod"]),
    }


def local_queue_settings(url: str, dlq_url: str) -> dict[str, int]:
    attributes = local_queue(url)
    return {
        "visibility_timeout_s": int(attributes["VisibilityTimeout"]),
        "retention_s": int(attributes["MessageRetentionPeriod"]),
        "max_receive_count": int(json.loads(attributes["RedrivePolicy"])["maxReceiveCount"]),
        "dead_letter_retention_s": int(local_queue(dlq_url)["MessageRetentionPeriod"]),
    }


def lifecycle_from_template(rules: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        rule["Id"]: {
            "prefix": rule.get("Prefix", ""),
            "expiration_days": rule.get("ExpirationInDays"),
            "noncurrent_days": rule.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays"),
            "abort_multipart_days": rule.get("AbortIncompleteMultipartUpload", {}).get(
                "DaysAfterInitiation"
            ),
            "expired_delete_marker": bool(rule.get("ExpiredObjectDeleteMarker", False)),
            "status": rule["Status"],
        }
        for rule in rules
    }


def lifecycle_from_s3(rules: list[Any]) -> dict[str, dict[str, Any]]:
    return {
        rule["ID"]: {
            "prefix": rule.get("Filter", {}).get("Prefix", rule.get("Prefix", "")),
            "expiration_days": rule.get("Expiration", {}).get("Days"),
            "noncurrent_days": rule.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays"),
            "abort_multipart_days": rule.get("AbortIncompleteMultipartUpload", {}).get(
                "DaysAfterInitiation"
            ),
            "expired_delete_marker": bool(
                rule.get("Expiration", {}).get("ExpiredObjectDeleteMarker", False)
            ),
            "status": rule["Status"],
        }
        for rule in rules
    }


# --- the comparisons ----------------------------------------------------------------------
def test_the_jobs_queue_is_the_same(cdk: Synthesized, local: aws_resources.Resources) -> None:
    assert queue_settings(*cdk_queue(cdk, "worker")) == local_queue_settings(
        local.jobs_queue_url, local.jobs_dlq_url
    )


def test_the_regeneration_queue_is_the_same(
    cdk: Synthesized, local: aws_resources.Resources
) -> None:
    assert queue_settings(*cdk_queue(cdk, "trigger")) == local_queue_settings(
        local.regeneration_queue_url, local.regeneration_dlq_url
    )


def test_the_bucket_is_versioned_expires_and_allows_cors_the_same(
    cdk: Synthesized, local: aws_resources.Resources
) -> None:
    props = cdk.props(one(cdk, "AWS::S3::Bucket", "StorageImages"))
    s3 = aws.s3()
    versioning = s3.get_bucket_versioning(Bucket=local.bucket_name).get("Status")
    assert props["VersioningConfiguration"]["Status"] == versioning
    local_rules = s3.get_bucket_lifecycle_configuration(Bucket=local.bucket_name)["Rules"]
    assert lifecycle_from_template(props["LifecycleConfiguration"]["Rules"]) == (
        lifecycle_from_s3(local_rules)
    )
    (cdk_cors,) = props["CorsConfiguration"]["CorsRules"]
    (local_cors,) = s3.get_bucket_cors(Bucket=local.bucket_name)["CORSRules"]
    assert sorted(cdk_cors["AllowedMethods"]) == sorted(local_cors["AllowedMethods"])
    assert cdk_cors["AllowedOrigins"] == local_cors["AllowedOrigins"]
    assert cdk_cors["AllowedHeaders"] == local_cors["AllowedHeaders"]
    assert cdk_cors["ExposedHeaders"] == local_cors["ExposeHeaders"]
    assert cdk_cors["MaxAge"] == local_cors["MaxAgeSeconds"]


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_each_function_has_the_same_timeout_and_memory(cdk: Synthesized, name: str) -> None:
    props = cdk.props(function_id(cdk, name))
    function = local_functions(REGION)[name]
    assert (props["Timeout"], props["MemorySize"]) == (function.timeout_s, function.memory_mb)


def test_the_reaper_runs_as_often_with_the_workers_lease_and_the_same_grace(
    cdk: Synthesized,
) -> None:
    reaper = function_id(cdk, "reaper")
    (rule,) = [
        r["Properties"]
        for r in cdk.of_type("AWS::Events::Rule").values()
        if reaper in json.dumps(r["Properties"]["Targets"])
    ]
    assert rule["ScheduleExpression"] == f"rate({aws_resources.REAPER_INTERVAL_S // 60} minutes)"
    env = environment(cdk, "reaper")
    # One lease: the worker's, which the reaper's own setting must equal on both sides.
    assert env["JOB_LEASE_S"] == environment(cdk, "worker")["JOB_LEASE_S"]
    assert env["JOB_LEASE_S"] == FUNCTION_ENVIRONMENT["JOB_LEASE_S"]
    assert env["REAPER_GRACE_S"] == FUNCTION_ENVIRONMENT["REAPER_GRACE_S"]


def test_the_event_sources_batch_the_same(cdk: Synthesized, local: aws_resources.Resources) -> None:
    mappings = {
        m.function.name: m
        for m in event_source_mappings(
            local.jobs_queue_url, local.regeneration_queue_url, REGION, worker_concurrency=1
        )
    }
    for name in ("worker", "trigger"):
        (props,) = [
            m["Properties"]
            for m in cdk.of_type("AWS::Lambda::EventSourceMapping").values()
            if m["Properties"]["FunctionName"] == {"Ref": function_id(cdk, name)}
        ]
        assert props["BatchSize"] == mappings[name].batch_size, name
        window = props.get("MaximumBatchingWindowInSeconds", 0)
        assert window == mappings[name].max_batching_window_s, name


def test_the_stage_throttles_caches_and_answers_errors_the_same(cdk: Synthesized) -> None:
    config = gateway_config(StackOptions().allowed_origins, REGION)
    (method,) = cdk.props(one(cdk, "AWS::ApiGateway::Stage", "Api"))["MethodSettings"]
    assert method["ThrottlingRateLimit"] == config.throttling_rate_limit
    assert method["ThrottlingBurstLimit"] == config.throttling_burst_limit
    (authorizer,) = cdk.of_type("AWS::ApiGateway::Authorizer").values()
    assert authorizer["Properties"]["AuthorizerResultTtlInSeconds"] == config.authorizer_ttl_s
    responses = {
        r["Properties"]["ResponseType"]: (
            int(r["Properties"]["StatusCode"]) if "StatusCode" in r["Properties"] else None,
            json.loads(
                r["Properties"]["ResponseTemplates"]["application/json"].replace(
                    "$context.error.messageString", '""'
                )
            )["error"]["code"],
        )
        for r in cdk.of_type("AWS::ApiGateway::GatewayResponse").values()
    }
    assert responses == {
        name: (custom.status, custom.code) for name, custom in CDK_GATEWAY_RESPONSES.items()
    }
    assert config.gateway_responses == CDK_GATEWAY_RESPONSES


def test_the_functions_settings_are_the_same(cdk: Synthesized) -> None:
    """The worker's retry budgets and job lease; the API's Django read budget (the one
    the local stack's shared process uses)."""
    owner = {"DJANGO_": "api", "REAPER_": "reaper"}
    for key, value in FUNCTION_ENVIRONMENT.items():
        function = next((f for prefix, f in owner.items() if key.startswith(prefix)), "worker")
        assert value == environment(cdk, function)[key], key


def test_the_readme_and_docs_state_no_value_the_spec_contradicts() -> None:
    """The values that disagreed once are stated once, from the spec."""
    root = Path(__file__).resolve().parents[2]
    text = (root / "README.md").read_text() + "".join(
        p.read_text() for p in (root / "docs").glob("*.md")
    )
    assert "7 days" not in text
    assert "600 s visibility" not in text
