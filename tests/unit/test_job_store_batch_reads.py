"""The jobs table's batch read (`JobStore.outputs`) when DynamoDB leaves keys unprocessed
(throttling, which moto never does): asked again with a short backoff, then left out."""

from __future__ import annotations

from typing import Any

import pytest

from identity_images.adapters import job_store
from identity_images.adapters.job_store import JobStore

TABLE = "jobs"


def _item(job_id: str) -> dict[str, Any]:
    output = {
        "key": {"S": f"generated/identities/11/{job_id}.png"},
        "mime_type": {"S": "image/png"},
        "width": {"N": "1"},
        "height": {"N": "1"},
        "bytes": {"N": "3"},
    }
    return {"job_id": {"S": job_id}, "output": {"M": output}}


class Throttled:
    """Answers each call with the first key asked for and leaves the rest unprocessed;
    `stuck` keys are never answered."""

    def __init__(self, stuck: frozenset[str] = frozenset()) -> None:
        self.stuck = stuck
        self.calls: list[list[str]] = []

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        request = RequestItems[TABLE]
        asked = [key["job_id"]["S"] for key in request["Keys"]]
        self.calls.append(asked)
        answered = [job_id for job_id in asked[:1] if job_id not in self.stuck]
        rest = [key for key in request["Keys"] if key["job_id"]["S"] not in answered]
        return {
            "Responses": {TABLE: [_item(job_id) for job_id in answered]},
            "UnprocessedKeys": {TABLE: {**request, "Keys": rest}} if rest else {},
        }


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr("identity_images.adapters.job_store.time.sleep", waits.append)
    return waits


def test_unprocessed_keys_are_asked_again_after_a_backoff(no_waiting: list[float]) -> None:
    client = Throttled()
    found = JobStore(client, TABLE, ttl_days=1).outputs(["a", "b", "c"])  # type: ignore[arg-type]
    assert sorted(found) == ["a", "b", "c"]
    assert client.calls == [["a", "b", "c"], ["b", "c"], ["c"]]
    assert no_waiting == [0.05, 0.1]


def test_keys_still_unprocessed_after_the_retries_are_left_out(no_waiting: list[float]) -> None:
    client = Throttled(stuck=frozenset({"b"}))
    found = JobStore(client, TABLE, ttl_days=1).outputs(["a", "b"])  # type: ignore[arg-type]
    assert sorted(found) == ["a"]
    assert len(client.calls) == 1 + job_store.BATCH_GET_RETRIES
