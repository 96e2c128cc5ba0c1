"""How the bucket adapter reads S3's answers for a key a job expects."""

from __future__ import annotations

import io

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from botocore.stub import Stubber

from identity_images.adapters.storage import Storage
from identity_images.errors import ErrorCode, PipelineError


def s3_answering(code: str, status: int, operation: str = "get_object") -> tuple[Storage, Stubber]:
    """A `Storage` whose S3 answers `operation` with the error `code` and HTTP `status`."""
    client = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    stubber.add_client_error(operation, service_error_code=code, http_status_code=status)
    return Storage(client, "bucket"), stubber


def test_a_body_too_large_is_closed_unread() -> None:
    """A body left unread would hold its pooled connection until collected."""
    raw = io.BytesIO(b"x" * 101)
    client = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    stubber.add_response(
        "get_object",
        {"Body": StreamingBody(raw, 101), "ContentLength": 101},
        {"Bucket": "bucket", "Key": "uploads/1/up/photo.jpg"},
    )
    with stubber, pytest.raises(PipelineError) as caught:
        Storage(client, "bucket").read("uploads/1/up/photo.jpg", max_bytes=100)
    assert caught.value.code == ErrorCode.REFERENCE_INVALID
    assert raw.closed


@pytest.mark.parametrize(("code", "status"), [("NoSuchKey", 404), ("AccessDenied", 403)])
def test_a_missing_or_denied_reference_is_a_final_reference_not_found(
    code: str, status: int
) -> None:
    """In AWS a key the role may not list answers 403 whether or not it exists: that is
    no fault to retry five times (and dead-letter), it is the reference not being there."""
    storage, stubber = s3_answering(code, status)
    with stubber, pytest.raises(PipelineError) as caught:
        storage.read("uploads/1/up/photo.jpg", max_bytes=100)
    assert caught.value.code == ErrorCode.REFERENCE_NOT_FOUND
    assert not caught.value.retryable


def test_other_s3_faults_are_not_mistaken_for_a_missing_reference() -> None:
    storage, stubber = s3_answering("InternalError", 500)
    with stubber, pytest.raises(ClientError):
        storage.read("uploads/1/up/photo.jpg", max_bytes=100)


@pytest.mark.parametrize("denied_is_missing", [False, True])
def test_a_head_of_a_missing_key_finds_nothing(denied_is_missing: bool) -> None:
    """HEAD has no body, so S3's code is the bare status."""
    storage, stubber = s3_answering("404", 404, "head_object")
    with stubber:
        key = "prepared/identities/7/job-1/0.jpg"
        assert storage.head(key, denied_is_missing=denied_is_missing) is None


@pytest.mark.parametrize("code", ["403", "AccessDenied"])
def test_a_head_of_a_denied_key_finds_nothing_only_when_asked(code: str) -> None:
    """A kept photo the API checks (`prepared/…`) that is gone answers 403 where the role
    may not list: to the API that is the photo not being there (422
    `reference_not_found`), not a fault (500). To every other caller (the worker's look
    for an output an earlier try stored) a 403 is a fault, raised."""
    key = "prepared/identities/7/job-1/0.jpg"
    storage, stubber = s3_answering(code, 403, "head_object")
    with stubber:
        assert storage.head(key, denied_is_missing=True) is None
    storage, stubber = s3_answering(code, 403, "head_object")
    with stubber, pytest.raises(ClientError):
        storage.head(key)


def test_other_head_faults_are_not_mistaken_for_a_missing_key() -> None:
    storage, stubber = s3_answering("500", 500, "head_object")
    with stubber, pytest.raises(ClientError):
        storage.head("prepared/identities/7/job-1/0.jpg")
