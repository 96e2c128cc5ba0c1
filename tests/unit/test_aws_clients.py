"""Every boto3 client of a process comes from one session (botocore's data read once)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from identity_images.adapters import aws


@pytest.fixture(autouse=True)
def fresh_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    aws.reset_clients()
    yield
    aws.reset_clients()


def test_clients_share_one_session_and_its_loader() -> None:
    s3, dynamodb, sqs = aws.s3(), aws.dynamodb(), aws.sqs()

    assert s3.meta.service_model.service_name == "s3"
    assert dynamodb.meta.service_model.service_name == "dynamodb"
    clients: list[Any] = [s3, dynamodb, sqs]
    loaders = {id(client._loader) for client in clients}
    assert len(loaders) == 1  # one loader: botocore's JSON data parsed once
    assert aws.s3() is s3  # and each client is kept


def test_reset_gives_new_clients_from_a_new_session() -> None:
    before = aws.dynamodb()
    aws.reset_clients()
    after = aws.dynamodb()
    assert after is not before
    assert after._loader is not before._loader  # type: ignore[attr-defined]


def test_threads_asking_at_once_get_the_same_client() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        clients = list(pool.map(lambda _: aws.sqs(), range(16)))
    assert len({id(client) for client in clients}) == 1
