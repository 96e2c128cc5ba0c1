"""The backoff both host adapters share."""

from __future__ import annotations

import httpx
import pytest

from identity_images.adapters.host_http import Backoff, error_message, send_with_retries
from identity_images.errors import ErrorCode, PipelineError


def test_delays_double_up_to_the_cap() -> None:
    backoff = Backoff(max_attempts=6, initial_s=0.5, max_s=3.0)
    assert [backoff.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_retry_after_lengthens_but_never_passes_the_cap() -> None:
    backoff = Backoff(initial_s=0.5, max_s=3.0)
    assert backoff.delay(1, "2") == 2.0
    assert backoff.delay(1, "0") == 0.5  # never shorter than our own backoff
    assert backoff.delay(1, "3600") == 3.0
    assert backoff.delay(2, "Wed, 21 Oct 2015 07:28:00 GMT") == 1.0  # a date: ignored


def test_a_refusal_is_returned_at_once_not_retried() -> None:
    calls: list[int] = []

    def attempt() -> httpx.Response:
        calls.append(1)
        return httpx.Response(403, json={"error": {"code": "forbidden", "message": "no"}})

    response = send_with_retries(attempt, backoff=Backoff(), sleep=lambda _: None, what="x")
    assert response.status_code == 403
    assert len(calls) == 1
    assert error_message(response) == "no"


def test_one_attempt_means_no_sleep() -> None:
    slept: list[float] = []
    with pytest.raises(PipelineError) as caught:
        send_with_retries(
            lambda: httpx.Response(503),
            backoff=Backoff(max_attempts=1),
            sleep=slept.append,
            what="x",
        )
    assert caught.value.code is ErrorCode.HOST_UNAVAILABLE
    assert slept == []
