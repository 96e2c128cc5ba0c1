"""What only AWS would show: listing grants, the model, throttling, unused grants."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra.conftest import Synthesized, synthesize
from tests.infra.test_stack import (
    HANDLERS,
    as_list,
    environment,
    event_source_queues,
    statements,
)


def read_prefixes(synth: Synthesized, name: str) -> set[str]:
    """Prefixes of the image bucket the function may GetObject (HEAD) under."""
    found = set()
    for statement in statements(synth, name):
        if "s3:GetObject" not in as_list(statement["Action"]):
            continue
        for resource in as_list(statement["Resource"]):
            found.add(resource["Fn::Join"][1][1].lstrip("/").removesuffix("*"))
    return found


def list_prefixes(synth: Synthesized, name: str) -> set[str]:
    found = set()
    for statement in statements(synth, name):
        if "s3:ListBucket" in as_list(statement["Action"]):
            condition = statement["Condition"]["StringLike"]["s3:prefix"]
            found |= {prefix.removesuffix("*") for prefix in as_list(condition)}
    return found


#: GetObject grants that only sign a browser's download URL; the function reads nothing
#: there itself, so it needs no listing (the API's `generated/` outputs and previews).
#: Not `prepared/`: the API HEADs kept photos there (a create naming one, a re-run).
SIGNS_ONLY = {"api": {"generated/"}}


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_every_function_that_reads_a_prefix_may_list_it(
    synthesized: Synthesized, name: str
) -> None:
    """Without ListBucket, S3 answers 403 for a missing key instead of 404: a missing or
    expired upload would look like a retryable fault instead of `reference_not_found`."""
    reads = read_prefixes(synthesized, name) - SIGNS_ONLY.get(name, set())
    assert reads <= list_prefixes(synthesized, name)


def test_nothing_lists_a_prefix_it_does_not_read(synthesized: Synthesized) -> None:
    for name in HANDLERS:
        reads = read_prefixes(synthesized, name) - SIGNS_ONLY.get(name, set())
        assert list_prefixes(synthesized, name) <= reads, name


def test_the_api_may_list_the_kept_photos_it_checks(synthesized: Synthesized) -> None:
    """A create naming a kept photo, and a re-run, HEAD keys under `prepared/`: without
    the listing a missing one is a 403, not a 404 (`reference_not_found`)."""
    assert "prepared/" in list_prefixes(synthesized, "api")


def dynamodb_actions(synth: Synthesized, name: str) -> dict[str, set[str]]:
    """action -> resources (as JSON) a function may call on DynamoDB."""
    found: dict[str, set[str]] = {}
    for statement in statements(synth, name):
        for action in as_list(statement["Action"]):
            if action.startswith("dynamodb:"):
                resources = {json.dumps(r, sort_keys=True) for r in as_list(statement["Resource"])}
                found.setdefault(action, set()).update(resources)
    return found


def test_no_unused_table_grants(synthesized: Synthesized) -> None:
    """Nothing deletes or condition-checks jobs; only the API (the history index) and the
    reaper (the `in_flight` index) query, and only their index; only the API reads jobs
    in batches (the previews of a user's identities); Powertools Idempotency deletes its
    own records."""
    for name in HANDLERS:
        actions = dynamodb_actions(synthesized, name)
        assert "dynamodb:ConditionCheckItem" not in actions, name
        if name != "api":
            assert "dynamodb:DeleteItem" not in actions, name
            assert "dynamodb:BatchGetItem" not in actions, name
        if name not in ("api", "reaper"):
            assert "dynamodb:Query" not in actions, name
    reaper = dynamodb_actions(synthesized, "reaper")
    assert all("/index/in_flight" in r for r in reaper["dynamodb:Query"])
    api = dynamodb_actions(synthesized, "api")
    assert all("/index/by_identity" in r for r in api["dynamodb:Query"])
    (deletable,) = api["dynamodb:DeleteItem"]
    assert "TablesIdempotency" in deletable
    (batch_read,) = api["dynamodb:BatchGetItem"]
    assert "TablesJobs" in batch_read


def test_the_model_and_the_tries_reach_every_function_that_stamps_jobs(tmp_path: Any) -> None:
    """`-c geminiModel=…` changes the model the API and the trigger stamp jobs with, and
    the one the worker calls; `-c workerMaxReceiveCount=…` the tries they stamp jobs with,
    the ones the worker and the reaper count, and the jobs queue's redrive: one source each."""
    synth = synthesize(tmp_path, {"geminiModel": "gemini-test-model", "workerMaxReceiveCount": "3"})
    for name in ("api", "worker", "trigger"):
        assert environment(synth, name)["GEMINI_MODEL"] == "gemini-test-model", name
    for name in ("api", "worker", "trigger", "reaper"):
        assert environment(synth, name)["WORKER_MAX_RECEIVE_COUNT"] == "3", name
    (jobs_queue,) = event_source_queues(synth, "worker")
    assert synth.props(jobs_queue)["RedrivePolicy"]["maxReceiveCount"] == 3


def test_throttling_has_its_own_code(synthesized: Synthesized) -> None:
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in synthesized.of_type("AWS::ApiGateway::GatewayResponse").values()
    }
    throttled = responses["THROTTLED"]["ResponseTemplates"]["application/json"]
    assert '"code": "throttled"' in throttled
    assert "validation_error" not in throttled
