"""What the synthesized template promises: access, encryption, wiring, alarms."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from benchmarks.worker_memory import HEADROOM, TARGET_PEAK, smallest_memory_mb
from identity_images.errors import ErrorCode
from identity_images.settings import Settings
from infra.config import VISIBILITY_FACTOR, WORKER_MARGIN_S
from tests.infra.conftest import Synthesized

HANDLERS = {
    "api": "identity_images.handlers.api.handler",
    "authorizer": "identity_images.handlers.authorizer.handler",
    "worker": "identity_images.handlers.worker.handler",
    "trigger": "identity_images.handlers.trigger.handler",
    "reaper": "identity_images.handlers.reaper.handler",
}


def function_id(synth: Synthesized, name: str) -> str:
    (found,) = [
        logical_id
        for logical_id, r in synth.of_type("AWS::Lambda::Function").items()
        if r["Properties"].get("Handler") == HANDLERS[name]
    ]
    return found


def alias_of(synth: Synthesized, name: str) -> tuple[str, dict[str, Any]]:
    """The one alias of handler `name`'s function: its logical id and its properties."""
    function = function_id(synth, name)
    (found,) = [
        (key, alias["Properties"])
        for key, alias in synth.of_type("AWS::Lambda::Alias").items()
        if alias["Properties"]["FunctionName"] == {"Ref": function}
    ]
    return found


def role_id(synth: Synthesized, name: str) -> str:
    role = synth.props(function_id(synth, name))["Role"]
    return str(role["Fn::GetAtt"][0])


def statements(synth: Synthesized, name: str) -> list[dict[str, Any]]:
    role = role_id(synth, name)
    found: list[dict[str, Any]] = []
    for policy in synth.of_type("AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def refs(value: Any) -> set[str]:
    """Every logical id a CloudFormation value points at."""
    text = json.dumps(value)
    return set(re.findall(r'"Ref": "(\w+)"', text)) | set(
        re.findall(r'"Fn::GetAtt": \["(\w+)"', text)
    )


def one(synth: Synthesized, cfn_type: str, key_prefix: str) -> str:
    (found,) = [k for k in synth.of_type(cfn_type) if k.startswith(key_prefix)]
    return found


def s3_grants(synth: Synthesized, name: str) -> set[tuple[str, str]]:
    """(action, prefix) pairs a function may do on the image bucket's objects."""
    pairs = set()
    for statement in statements(synth, name):
        for action in as_list(statement["Action"]):
            if not action.startswith("s3:") or action == "s3:ListBucket":
                continue
            for resource in as_list(statement["Resource"]):
                suffix = resource["Fn::Join"][1][1]
                pairs.add((action, suffix.lstrip("/")))
    return pairs


# --- cdk-nag ---------------------------------------------------------------------------


def test_cdk_nag_aws_solutions_has_no_unacknowledged_finding(synthesized: Synthesized) -> None:
    violations = [
        (v["ruleName"], [c["constructPath"] for c in v["violatingConstructs"]])
        for plugin in (synthesized.validation_report or {}).get("pluginReports", [])
        for v in plugin["violations"]
    ]
    assert violations == []
    assert synthesized.validation_error is None


# --- API -------------------------------------------------------------------------------


def test_every_method_but_the_cors_preflight_uses_the_admin_authorizer(
    synthesized: Synthesized,
) -> None:
    authorizer = one(synthesized, "AWS::ApiGateway::Authorizer", "Api")
    methods = synthesized.of_type("AWS::ApiGateway::Method").values()
    guarded = [m["Properties"] for m in methods if m["Properties"]["HttpMethod"] != "OPTIONS"]
    preflight = [m["Properties"] for m in methods if m["Properties"]["HttpMethod"] == "OPTIONS"]
    assert guarded, "no API method at all"
    for method in guarded:
        assert method["AuthorizationType"] == "CUSTOM"
        assert method["AuthorizerId"] == {"Ref": authorizer}
    for method in preflight:
        assert method["AuthorizationType"] == "NONE"
        assert method["Integration"]["Type"] == "MOCK"


def test_the_authorizer_is_a_cached_request_authorizer_on_the_authorization_header(
    synthesized: Synthesized,
) -> None:
    props = synthesized.props(one(synthesized, "AWS::ApiGateway::Authorizer", "Api"))
    assert props["Type"] == "REQUEST"
    assert props["IdentitySource"] == "method.request.header.Authorization"
    assert props["AuthorizerResultTtlInSeconds"] == 300
    # Its `live` alias (SnapStart: tests/infra/test_warm_click.py).
    assert alias_of(synthesized, "authorizer")[0] in refs(props["AuthorizerUri"])


def test_all_of_v1_goes_to_the_api_function(synthesized: Synthesized) -> None:
    (method,) = [
        m["Properties"]
        for m in synthesized.of_type("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "ANY"
    ]
    assert method["Integration"]["Type"] == "AWS_PROXY"
    assert alias_of(synthesized, "api")[0] in refs(method["Integration"]["Uri"])
    resources = synthesized.of_type("AWS::ApiGateway::Resource").values()
    paths = {r["Properties"]["PathPart"] for r in resources}
    assert paths == {"v1", "{proxy+}"}


def test_gateway_errors_carry_cors_headers_and_the_one_error_shape(
    synthesized: Synthesized,
) -> None:
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in synthesized.of_type("AWS::ApiGateway::GatewayResponse").values()
    }
    assert {"UNAUTHORIZED", "ACCESS_DENIED", "DEFAULT_4XX", "DEFAULT_5XX"} <= responses.keys()
    for response in responses.values():
        headers = response["ResponseParameters"]
        assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == (
            "'https://admin.example.com'"
        )
        body = response["ResponseTemplates"]["application/json"].replace(
            "$context.error.messageString", '"message"'
        )
        error = json.loads(body)["error"]
        assert ErrorCode(error["code"])
        assert set(error) == {"code", "message", "details"}
    assert "unauthorized" in responses["UNAUTHORIZED"]["ResponseTemplates"]["application/json"]
    # A body over the limit is said to be so, not DEFAULT_4XX's `validation_error`.
    too_large = responses["REQUEST_TOO_LARGE"]["ResponseTemplates"]["application/json"]
    assert '"payload_too_large"' in too_large


def test_the_stage_is_throttled_traced_and_access_logged(synthesized: Synthesized) -> None:
    props = synthesized.props(one(synthesized, "AWS::ApiGateway::Stage", "Api"))
    assert props["AccessLogSetting"]["DestinationArn"]
    assert "$context.requestId" in props["AccessLogSetting"]["Format"]
    assert props["TracingEnabled"] is True
    (settings,) = props["MethodSettings"]
    assert settings["ThrottlingRateLimit"] > 0
    assert settings["ThrottlingBurstLimit"] > 0


def test_preflight_allows_only_the_configured_origin(synthesized: Synthesized) -> None:
    for method in synthesized.of_type("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        if props["HttpMethod"] != "OPTIONS":
            continue
        (response,) = props["Integration"]["IntegrationResponses"]
        parameters = response["ResponseParameters"]
        origin = parameters["method.response.header.Access-Control-Allow-Origin"]
        assert origin == "'https://admin.example.com'"


# --- Storage ---------------------------------------------------------------------------


def test_no_bucket_is_public_and_all_are_encrypted_and_tls_only(
    synthesized: Synthesized,
) -> None:
    buckets = synthesized.of_type("AWS::S3::Bucket")
    assert len(buckets) == 2  # images + their access logs
    for props in (b["Properties"] for b in buckets.values()):
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    tls_only = set()
    for policy in synthesized.of_type("AWS::S3::BucketPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Deny" or statement["Principal"] != "*"
            if statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}:
                assert statement["Effect"] == "Deny"
                tls_only |= refs(policy["Properties"]["Bucket"])
    assert tls_only == set(buckets)


def test_the_image_bucket_expires_uploads_and_allows_the_origin(synthesized: Synthesized) -> None:
    props = synthesized.props(one(synthesized, "AWS::S3::Bucket", "StorageImages"))
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedOrigins"] == ["https://admin.example.com"]
    assert "POST" in cors["AllowedMethods"]
    rules = {r["Id"]: r for r in props["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-uploads"]["Prefix"] == "uploads/"
    assert 1 <= rules["expire-uploads"]["ExpirationInDays"] <= 2
    # A job's prepared references outlive its record (TTL 90 days + DynamoDB's lag).
    assert rules["expire-prepared-references"]["Prefix"] == "prepared/"
    assert rules["expire-prepared-references"]["ExpirationInDays"] > 90
    expiring = sorted(r.get("Prefix", "") for r in rules.values() if "ExpirationInDays" in r)
    assert expiring == ["prepared/", "uploads/"], "references and outputs never expire"
    assert props["LoggingConfiguration"]["DestinationBucketName"]


def test_only_new_references_notify_the_regeneration_queue(synthesized: Synthesized) -> None:
    (notifications,) = synthesized.of_type("Custom::S3BucketNotifications").values()
    config = notifications["Properties"]["NotificationConfiguration"]
    (queue_config,) = config["QueueConfigurations"]
    assert queue_config["Events"] == ["s3:ObjectCreated:*"]
    assert queue_config["Filter"]["Key"]["FilterRules"] == [
        {"Name": "prefix", "Value": "references/identities/"}
    ]
    assert "LambdaFunctionConfigurations" not in config
    assert "TopicConfigurations" not in config
    trigger_sources = event_source_queues(synthesized, "trigger")
    assert refs(queue_config["QueueArn"]) == trigger_sources


def test_tables_are_on_demand_encrypted_recoverable_and_expire(synthesized: Synthesized) -> None:
    jobs = synthesized.props(one(synthesized, "AWS::DynamoDB::Table", "TablesJobs"))
    assert jobs["KeySchema"] == [{"AttributeName": "job_id", "KeyType": "HASH"}]
    indexes = {index["IndexName"]: index for index in jobs["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"by_identity", "in_flight"}
    assert indexes["by_identity"]["KeySchema"] == [
        {"AttributeName": "identity_id", "KeyType": "HASH"},
        {"AttributeName": "created_at", "KeyType": "RANGE"},
    ]
    # Sparse, keys only: the reaper's sweep reads jobs in flight and nothing else.
    assert indexes["in_flight"]["KeySchema"] == [
        {"AttributeName": "in_flight", "KeyType": "HASH"},
        {"AttributeName": "due_at", "KeyType": "RANGE"},
    ]
    assert indexes["in_flight"]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    types = {a["AttributeName"]: a["AttributeType"] for a in jobs["AttributeDefinitions"]}
    assert (types["in_flight"], types["due_at"]) == ("S", "N")
    assert jobs["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    idempotency = synthesized.props(one(synthesized, "AWS::DynamoDB::Table", "TablesIdempotency"))
    assert idempotency["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert idempotency["TimeToLiveSpecification"] == {
        "AttributeName": "expiration",
        "Enabled": True,
    }
    for table in (jobs, idempotency):
        assert table["BillingMode"] == "PAY_PER_REQUEST"
        assert table["SSESpecification"]["SSEEnabled"] is True
        assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


# --- Queues and functions --------------------------------------------------------------


def event_source_queues(synth: Synthesized, name: str) -> set[str]:
    function = function_id(synth, name)
    return {
        queue
        for mapping in synth.of_type("AWS::Lambda::EventSourceMapping").values()
        if mapping["Properties"]["FunctionName"] == {"Ref": function}
        for queue in refs(mapping["Properties"]["EventSourceArn"])
    }


@pytest.mark.parametrize("consumer", ["worker", "trigger"])
def test_each_queue_has_a_dead_letter_queue_and_a_visibility_above_its_consumer(
    synthesized: Synthesized, consumer: str
) -> None:
    (queue,) = event_source_queues(synthesized, consumer)
    props = synthesized.props(queue)
    redrive = props["RedrivePolicy"]
    (dead_letters,) = refs(redrive["deadLetterTargetArn"])
    assert synthesized.resources[dead_letters]["Type"] == "AWS::SQS::Queue"
    assert dead_letters != queue
    assert redrive["maxReceiveCount"] == 5
    timeout = synthesized.props(function_id(synthesized, consumer))["Timeout"]
    assert props["VisibilityTimeout"] >= VISIBILITY_FACTOR * timeout
    (mapping,) = [
        m["Properties"]
        for m in synthesized.of_type("AWS::Lambda::EventSourceMapping").values()
        if queue in refs(m["Properties"]["EventSourceArn"])
    ]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_every_queue_is_encrypted_and_tls_only(synthesized: Synthesized) -> None:
    queues = synthesized.of_type("AWS::SQS::Queue")
    assert len(queues) == 4
    for props in (q["Properties"] for q in queues.values()):
        assert props["SqsManagedSseEnabled"] is True
    tls_only: set[str] = set()
    for policy in synthesized.of_type("AWS::SQS::QueuePolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}:
                assert statement["Effect"] == "Deny"
                tls_only |= refs(policy["Properties"]["Queues"])
    assert tls_only == set(queues)


def test_functions_run_python_313_on_arm64_with_their_layers(synthesized: Synthesized) -> None:
    layers = synthesized.of_type("AWS::Lambda::LayerVersion")
    base = one(synthesized, "AWS::Lambda::LayerVersion", "LayersBase")
    imaging = one(synthesized, "AWS::Lambda::LayerVersion", "LayersImaging")
    for name in HANDLERS:
        props = synthesized.props(function_id(synthesized, name))
        assert props["Runtime"] == "python3.13"
        assert props["Architectures"] == ["arm64"]
        assert props["TracingConfig"] == {"Mode": "Active"}
        expected = [base, imaging] if name == "worker" else [base]
        assert [layer["Ref"] for layer in props["Layers"]] == expected
    for layer in layers.values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
        # This session synthesized with -c skipLayerBuild=true: it must say so.
        assert layer["Properties"]["Description"].startswith("STAND-IN")


def test_the_worker_outlasts_the_gemini_timeout_with_a_margin(synthesized: Synthesized) -> None:
    props = synthesized.props(function_id(synthesized, "worker"))
    gemini_timeout = float(props["Environment"]["Variables"]["GEMINI_TIMEOUT_S"])
    assert gemini_timeout == 200
    assert props["Timeout"] >= gemini_timeout + WORKER_MARGIN_S
    assert props["Timeout"] <= 900
    assert int(props["Environment"]["Variables"]["JOB_LEASE_S"]) > props["Timeout"]


def test_the_job_lease_ends_before_a_stopped_try_comes_back(synthesized: Synthesized) -> None:
    """A try holds its job, or its apply, for `JOB_LEASE_S`, and a delivery meanwhile is
    deferred until the lease ends. A stopped try's message comes back after the queue's
    visibility timeout: the lease must be over by then, or that message, rightly tried
    again, would be held off as a duplicate."""
    (queue,) = event_source_queues(synthesized, "worker")
    lease = int(environment(synthesized, "worker")["JOB_LEASE_S"])
    assert lease < synthesized.props(queue)["VisibilityTimeout"]


def test_the_worker_has_the_memory_its_budgeted_peak_needs_with_headroom(
    synthesized: Synthesized,
) -> None:
    """`make bench` holds one job's peak to TARGET_PEAK; the worker gets 1.5x that, in the
    smallest 64 MB step (more memory buys CPU too, but Gemini's wait dominates a job)."""
    memory_mb = synthesized.props(function_id(synthesized, "worker"))["MemorySize"]
    assert memory_mb == smallest_memory_mb(TARGET_PEAK)
    assert memory_mb * 1024 * 1024 >= HEADROOM * TARGET_PEAK


def environment(synth: Synthesized, name: str) -> dict[str, Any]:
    return dict(synth.props(function_id(synth, name))["Environment"]["Variables"])


def test_the_authorizer_gives_up_on_django_before_its_own_timeout(
    synthesized: Synthesized,
) -> None:
    props = synthesized.props(function_id(synthesized, "authorizer"))
    assert float(props["Environment"]["Variables"]["DJANGO_TIMEOUT_S"]) < props["Timeout"]


def test_environment_names_are_settings_fields(synthesized: Synthesized) -> None:
    fields = {name.upper() for name in Settings.model_fields}
    for name in HANDLERS:
        env = environment(synthesized, name)
        assert env["POWERTOOLS_SERVICE_NAME"] == "identity-images"
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == "IdentityImages"
        assert env["PYDANTIC_DISABLE_PLUGINS"] == "__all__"  # no entry-point scan at start
        unknown = {k for k in env if not k.startswith(("POWERTOOLS_", "PYDANTIC_"))} - fields
        assert unknown == set(), f"{name}: {unknown} are not Settings fields"


SECRETS_BY_FUNCTION = {
    "api": {"DJANGO_SERVICE_TOKEN_SECRET_ARN"},
    "authorizer": {"JWT_SECRET_ARN"},
    "worker": {
        "GEMINI_API_KEY_SECRET_ARN",
        "DJANGO_SERVICE_TOKEN_SECRET_ARN",
        "WEBHOOK_SECRET_ARN",
    },
    "trigger": {"DJANGO_SERVICE_TOKEN_SECRET_ARN"},
}
PLAIN_SECRET_SETTINGS = {"GEMINI_API_KEY", "DJANGO_SERVICE_TOKEN", "WEBHOOK_SECRET", "JWT_SECRET"}


@pytest.mark.parametrize("name", sorted(SECRETS_BY_FUNCTION))
def test_secrets_reach_functions_only_as_arns_and_only_where_used(
    synthesized: Synthesized, name: str
) -> None:
    env = environment(synthesized, name)
    assert not PLAIN_SECRET_SETTINGS & env.keys()
    secret_envs = {k for k in env if k.endswith("_SECRET_ARN")}
    assert secret_envs == SECRETS_BY_FUNCTION[name]
    secrets = synthesized.of_type("AWS::SecretsManager::Secret")
    for key in secret_envs:
        (secret,) = refs(env[key])
        assert secret in secrets
    granted = {
        secret
        for statement in statements(synthesized, name)
        if "secretsmanager:GetSecretValue" in as_list(statement["Action"])
        for secret in refs(statement["Resource"])
    }
    assert granted == {next(iter(refs(env[key]))) for key in secret_envs}


def test_secrets_hold_no_value_in_the_template(synthesized: Synthesized) -> None:
    secrets = synthesized.of_type("AWS::SecretsManager::Secret")
    assert len(secrets) == 4
    for secret in secrets.values():
        assert "SecretString" not in secret["Properties"]
        assert "GenerateSecretString" in secret["Properties"]


# --- Least privilege -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_each_role_is_its_own_and_names_its_resources(synthesized: Synthesized, name: str) -> None:
    role = synthesized.props(role_id(synthesized, name))
    assert "ManagedPolicyArns" not in role
    others = {role_id(synthesized, other) for other in HANDLERS if other != name}
    assert role_id(synthesized, name) not in others
    for statement in statements(synthesized, name):
        actions = as_list(statement["Action"])
        assert statement["Effect"] == "Allow"
        assert not any(a.endswith("*") for a in actions), actions
        if statement["Resource"] == "*":
            assert set(actions) <= {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def test_roles_touch_only_their_own_resources(synthesized: Synthesized) -> None:
    def touched(name: str) -> set[str]:
        return {r for s in statements(synthesized, name) for r in refs(s["Resource"])}

    bucket = one(synthesized, "AWS::S3::Bucket", "StorageImages")
    jobs = one(synthesized, "AWS::DynamoDB::Table", "TablesJobs")
    idempotency = one(synthesized, "AWS::DynamoDB::Table", "TablesIdempotency")
    (jobs_queue,) = event_source_queues(synthesized, "worker")
    (regeneration_queue,) = event_source_queues(synthesized, "trigger")
    log_group = {
        name: refs(synthesized.props(function_id(synthesized, name))["LoggingConfig"])
        for name in HANDLERS
    }
    secrets = set(synthesized.of_type("AWS::SecretsManager::Secret"))
    assert touched("authorizer") - secrets == log_group["authorizer"]
    assert touched("api") - secrets == {bucket, jobs, idempotency, jobs_queue} | log_group["api"]
    assert touched("worker") - secrets == {bucket, jobs, jobs_queue} | log_group["worker"]
    assert touched("trigger") - secrets == (
        {bucket, jobs, jobs_queue, regeneration_queue} | log_group["trigger"]
    )
    dead_letters = dead_letter_queue(synthesized, jobs_queue)
    assert touched("reaper") == {bucket, jobs, jobs_queue, dead_letters} | log_group["reaper"]


def test_object_access_is_limited_to_the_prefixes_each_function_needs(
    synthesized: Synthesized,
) -> None:
    uploads, references, generated = "uploads/*", "references/identities/*", "generated/*"
    prepared = "prepared/*"
    assert s3_grants(synthesized, "api") == {
        ("s3:PutObject", uploads),
        ("s3:PutObject", references),
        ("s3:GetObject", uploads),
        ("s3:GetObject", references),
        ("s3:GetObject", generated),
        ("s3:GetObject", prepared),
        ("s3:DeleteObject", references),
    }
    assert s3_grants(synthesized, "worker") == {
        ("s3:GetObject", uploads),
        ("s3:GetObject", references),
        ("s3:GetObject", prepared),
        ("s3:GetObject", generated),
        ("s3:PutObject", generated),
        ("s3:PutObject", prepared),
    }
    assert s3_grants(synthesized, "trigger") == {("s3:GetObject", references)}
    # It looks for the output a stopped try stored before it ends the job; writes nothing.
    assert s3_grants(synthesized, "reaper") == {
        ("s3:GetObject", generated),
        ("s3:GetObject", prepared),
    }
    assert s3_grants(synthesized, "authorizer") == set()


def test_the_worker_may_delay_and_requeue_its_own_jobs_only(synthesized: Synthesized) -> None:
    (jobs_queue,) = event_source_queues(synthesized, "worker")
    for action in ("sqs:ChangeMessageVisibility", "sqs:SendMessage"):
        queues = {
            ref
            for s in statements(synthesized, "worker")
            if action in as_list(s["Action"])
            for ref in refs(s["Resource"])
        }
        assert queues == {jobs_queue}, action
    assert refs(environment(synthesized, "worker")["JOBS_QUEUE_URL"]) == {jobs_queue}
    actions = {a for s in statements(synthesized, "worker") for a in as_list(s["Action"])}
    assert "s3:DeleteObject" not in actions


def dead_letter_queue(synth: Synthesized, queue: str) -> str:
    (found,) = refs(synth.props(queue)["RedrivePolicy"]["deadLetterTargetArn"])
    return found


def test_the_reaper_runs_on_a_schedule_and_reads_the_dead_letters_without_deleting(
    synthesized: Synthesized,
) -> None:
    reaper = function_id(synthesized, "reaper")
    (rule,) = [
        r["Properties"]
        for r in synthesized.of_type("AWS::Events::Rule").values()
        if any(reaper in refs(t["Arn"]) for t in r["Properties"]["Targets"])
    ]
    assert rule["ScheduleExpression"] == "rate(10 minutes)"
    assert rule["State"] == "ENABLED"
    (permission,) = [
        p["Properties"]
        for p in synthesized.of_type("AWS::Lambda::Permission").values()
        if reaper in refs(p["Properties"]["FunctionName"])
    ]
    assert permission["Principal"] == "events.amazonaws.com"
    assert event_source_queues(synthesized, "reaper") == set()  # no consumer: nothing deleted

    (jobs_queue,) = event_source_queues(synthesized, "worker")
    dead_letters = dead_letter_queue(synthesized, jobs_queue)
    sqs = {
        (action, ref)
        for s in statements(synthesized, "reaper")
        for action in as_list(s["Action"])
        if action.startswith("sqs:")
        for ref in refs(s["Resource"])
    }
    assert sqs == {
        ("sqs:ReceiveMessage", dead_letters),
        ("sqs:ChangeMessageVisibility", dead_letters),
        ("sqs:SendMessage", jobs_queue),
    }
    tables = [
        s["Resource"]
        for s in statements(synthesized, "reaper")
        if "dynamodb:Query" in as_list(s["Action"])
    ]
    assert "/index/in_flight" in json.dumps(tables)
    env = environment(synthesized, "reaper")
    assert refs(env["JOBS_DLQ_URL"]) == {dead_letters}
    assert refs(env["JOBS_QUEUE_URL"]) == {jobs_queue}
    # The same lease as the worker's, or it would take live jobs for lost ones.
    assert env["JOB_LEASE_S"] == environment(synthesized, "worker")["JOB_LEASE_S"]
    assert env["WORKER_MAX_RECEIVE_COUNT"] == "5"
    assert env["REAPER_GRACE_S"] == "900"


# --- Monitoring and outputs ------------------------------------------------------------


def test_alarms_cover_dead_letters_errors_and_throttles(synthesized: Synthesized) -> None:
    alarms = [a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()]
    watched = {
        (alarm["MetricName"], ref)
        for alarm in alarms
        for dimension in alarm.get("Dimensions", [])
        for ref in refs(dimension["Value"])
    }
    for consumer in ("worker", "trigger"):
        (queue,) = event_source_queues(synthesized, consumer)
        (dead_letters,) = refs(synthesized.props(queue)["RedrivePolicy"]["deadLetterTargetArn"])
        assert ("ApproximateNumberOfMessagesVisible", dead_letters) in watched
    for name in HANDLERS:
        function = function_id(synthesized, name)
        assert ("Errors", function) in watched
        assert ("Throttles", function) in watched
    topic = one(synthesized, "AWS::SNS::Topic", "Monitoring")
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topic}]


def test_alarms_say_when_the_worker_gave_up_and_when_the_reaper_stops(
    synthesized: Synthesized,
) -> None:
    alarms = {
        key: a["Properties"]
        for key, a in synthesized.of_type("AWS::CloudWatch::Alarm").items()
        if key.startswith(("MonitoringJobsGaveUp", "MonitoringReaperNotRunning"))
    }
    (gave_up,) = [a for k, a in alarms.items() if k.startswith("MonitoringJobsGaveUp")]
    assert gave_up["MetricName"] == "JobsGaveUp"
    assert gave_up["Namespace"] == "IdentityImages"
    assert gave_up["Dimensions"] == [{"Name": "service", "Value": "identity-images"}]
    assert gave_up["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    (silent,) = [a for k, a in alarms.items() if k.startswith("MonitoringReaperNotRunning")]
    assert silent["MetricName"] == "Invocations"
    assert refs(silent["Dimensions"]) == {function_id(synthesized, "reaper")}
    assert silent["ComparisonOperator"] == "LessThanThreshold"
    assert silent["TreatMissingData"] == "breaching"
    assert silent["Period"] == 3 * 10 * 60


def test_outputs_name_the_api_url_and_the_bucket(synthesized: Synthesized) -> None:
    outputs = synthesized.template["Outputs"]
    assert "ApiUrl" in outputs
    (jobs_queue,) = event_source_queues(synthesized, "worker")
    assert refs(outputs["JobsQueueUrl"]["Value"]) == {jobs_queue}
    assert refs(outputs["JobsDeadLetterQueueUrl"]["Value"]) == {
        dead_letter_queue(synthesized, jobs_queue)
    }
    assert refs(outputs["BucketName"]["Value"]) == {
        one(synthesized, "AWS::S3::Bucket", "StorageImages")
    }
