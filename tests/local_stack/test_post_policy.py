"""The local bucket enforces a presigned POST's policy as S3 does (`local_stack.post_policy`).

Real HTTP against the stack's moto server, with the POST policy the API hands out
(`Storage.presigned_post`): what the policy allows is stored; what it does not is refused
with S3's status, code and message, and nothing is stored; everything else reaches moto
as before. The rules themselves, one by one, are checked on `check_policy` at the end.
"""

from __future__ import annotations

import base64
import json
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config

from identity_images.adapters.storage import Storage
from identity_images.models.ports import PresignedPost
from local_stack import local_resources
from local_stack.moto_server import LocalMoto
from local_stack.post_form import PostForm, read_form
from local_stack.post_policy import check_policy

ORIGIN = "http://localhost:5173"
MAX_BYTES = 1000
JPEG = "image/jpeg"


@pytest.fixture
def bucket(moto_server: LocalMoto) -> str:
    """A bucket with the stack's CORS rule for the Images tab's origin."""
    name = f"uploads-{uuid.uuid4().hex[:8]}"
    s3 = moto_server.client("s3")
    s3.create_bucket(Bucket=name)
    local_resources.allow_browser_uploads(s3, name, [ORIGIN])
    return name


def presign(
    moto_server: LocalMoto, bucket: str, key: str = "uploads/1/u/1.jpg", expires_in: int = 300
) -> PresignedPost:
    storage = Storage(moto_server.client("s3"), bucket)
    return storage.presigned_post(
        key, content_type=JPEG, max_bytes=MAX_BYTES, expires_in=expires_in
    )


def post(
    form: PresignedPost,
    data: bytes,
    *,
    fields: dict[str, str] | None = None,
    origin: str = ORIGIN,
) -> httpx.Response:
    """The browser's upload: every field of the form (changed by `fields`), the file last."""
    return httpx.post(
        form.url,
        data={**form.fields, **(fields or {})},
        files={"file": ("photo.jpg", data, JPEG)},
        headers={"Origin": origin},
    )


def error(response: httpx.Response) -> dict[str, str]:
    assert response.headers["content-type"] == "application/xml"
    root = ET.fromstring(response.text)  # noqa: S314 - our own server's answer
    assert root.tag == "Error"
    return {child.tag: child.text or "" for child in root}


def stored_keys(moto_server: LocalMoto, bucket: str) -> list[str]:
    listed = moto_server.client("s3").list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listed.get("Contents", [])]


def test_a_file_within_the_policy_is_stored_as_posted(moto_server: LocalMoto, bucket: str) -> None:
    form = presign(moto_server, bucket)
    head = bytes(range(256)) + b"\r\n--"  # every byte value, and what looks like a boundary
    data = head + b"x" * (MAX_BYTES - len(head))  # exactly the maximum

    response = post(form, data)

    assert response.status_code == 204, response.text
    got = moto_server.client("s3").get_object(Bucket=bucket, Key="uploads/1/u/1.jpg")
    assert got["Body"].read() == data  # the body reached moto intact
    assert got["ContentType"] == JPEG


def test_one_byte_over_the_maximum_is_entity_too_large(moto_server: LocalMoto, bucket: str) -> None:
    response = post(presign(moto_server, bucket), b"x" * (MAX_BYTES + 1))

    assert response.status_code == 400
    assert error(response) | {"RequestId": "", "HostId": ""} == {
        "Code": "EntityTooLarge",
        "Message": "Your proposed upload exceeds the maximum allowed size",
        "ProposedSize": str(MAX_BYTES + 1),
        "MaxSizeAllowed": str(MAX_BYTES),
        "RequestId": "",
        "HostId": "",
    }
    assert stored_keys(moto_server, bucket) == []


def test_an_empty_file_is_entity_too_small(moto_server: LocalMoto, bucket: str) -> None:
    response = post(presign(moto_server, bucket), b"")

    assert response.status_code == 400
    assert error(response)["Code"] == "EntityTooSmall"
    assert error(response)["MinSizeAllowed"] == "1"
    assert stored_keys(moto_server, bucket) == []


def test_another_key_than_the_policys_is_access_denied(moto_server: LocalMoto, bucket: str) -> None:
    response = post(presign(moto_server, bucket), b"x", fields={"key": "uploads/1/u/2.jpg"})

    assert response.status_code == 403
    assert error(response)["Code"] == "AccessDenied"
    assert error(response)["Message"] == (
        'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "uploads/1/u/1.jpg"]'
    )
    assert stored_keys(moto_server, bucket) == []


def test_another_content_type_is_access_denied(moto_server: LocalMoto, bucket: str) -> None:
    response = post(presign(moto_server, bucket), b"x", fields={"Content-Type": "image/png"})

    assert response.status_code == 403
    assert error(response)["Message"] == (
        "Invalid according to Policy: Policy Condition failed: "
        '["eq", "$Content-Type", "image/jpeg"]'
    )
    assert stored_keys(moto_server, bucket) == []


def test_an_expired_policy_is_access_denied(moto_server: LocalMoto, bucket: str) -> None:
    response = post(presign(moto_server, bucket, expires_in=-60), b"x")

    assert response.status_code == 403
    assert error(response)["Code"] == "AccessDenied"
    assert error(response)["Message"] == "Invalid according to Policy: Policy expired."
    assert stored_keys(moto_server, bucket) == []


def test_a_field_no_condition_names_is_access_denied_but_x_ignore_is_not(
    moto_server: LocalMoto, bucket: str
) -> None:
    form = presign(moto_server, bucket)

    extra = post(form, b"x", fields={"x-amz-meta-note": "hi"})
    assert extra.status_code == 403
    assert error(extra)["Message"] == (
        "Invalid according to Policy: Extra input fields: x-amz-meta-note"
    )
    assert stored_keys(moto_server, bucket) == []

    assert post(form, b"x", fields={"x-ignore-tracker": "1"}).status_code == 204


def test_a_refusal_has_the_buckets_cors_headers_for_an_allowed_origin_only(
    moto_server: LocalMoto, bucket: str
) -> None:
    form = presign(moto_server, bucket)

    allowed = post(form, b"x" * (MAX_BYTES + 1))
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert allowed.headers["access-control-allow-methods"] == "GET, HEAD, POST"
    assert allowed.headers["access-control-expose-headers"] == "ETag"

    other = post(form, b"x" * (MAX_BYTES + 1), origin="http://elsewhere.test")
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers


def test_requests_without_a_policy_reach_moto_as_before(
    moto_server: LocalMoto, bucket: str
) -> None:
    s3 = moto_server.client("s3")
    s3.put_object(Bucket=bucket, Key="plain.txt", Body=b"plain", ContentType="text/plain")
    assert s3.get_object(Bucket=bucket, Key="plain.txt")["Body"].read() == b"plain"
    # POSTs with a query (DeleteObjects, multipart uploads) are not browser uploads.
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "plain.txt"}]})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="parts.bin")
    part = s3.upload_part(
        Bucket=bucket, Key="parts.bin", UploadId=upload["UploadId"], PartNumber=1, Body=b"p"
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="parts.bin",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )
    assert stored_keys(moto_server, bucket) == ["parts.bin"]


def test_a_form_without_a_policy_is_anonymous_and_access_denied(
    moto_server: LocalMoto, bucket: str
) -> None:
    """Moto would store it under any key; S3 takes no anonymous upload into the bucket."""
    anonymous = httpx.post(
        f"{moto_server.endpoint_url}/{bucket}",
        data={"key": "generated/identities/other/x.png"},
        files={"file": ("a.png", b"a" * 3000, "image/png")},
    )
    assert anonymous.status_code == 403, anonymous.text
    assert error(anonymous)["Code"] == "AccessDenied"
    assert stored_keys(moto_server, bucket) == []


def test_a_file_part_after_the_file_is_ignored_as_s3_ignores_it(
    moto_server: LocalMoto, bucket: str
) -> None:
    """The policy checks the `file` part (1 byte, allowed); moto alone would store the last
    file part of the form (5 MB, over the policy's maximum)."""
    form = presign(moto_server, bucket)
    response = httpx.post(
        form.url,
        data=form.fields,
        files=[
            ("file", ("photo.jpg", b"j", JPEG)),
            ("zzz", ("big.bin", b"b" * (MAX_BYTES + 1), JPEG)),
        ],
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 204, response.text
    got = moto_server.client("s3").get_object(Bucket=bucket, Key="uploads/1/u/1.jpg")
    assert got["Body"].read() == b"j"


# The signature: S3 takes only a form signed with its policy, here with the stack's keys.


def signed_by(moto_server: LocalMoto, bucket: str, access_key: str, secret: str) -> PresignedPost:
    """A form as `Storage.presigned_post` signs it, with other credentials."""
    client = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=moto_server.endpoint_url,
        config=Config(signature_version="s3v4"),
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
    )
    return Storage(client, bucket).presigned_post(
        "uploads/1/u/1.jpg", content_type=JPEG, max_bytes=MAX_BYTES, expires_in=300
    )


def test_a_policy_edited_in_the_browser_is_signature_does_not_match(
    moto_server: LocalMoto, bucket: str
) -> None:
    """Raising the size limit in the policy (signed for MAX_BYTES) does not let a larger
    file in: the signature is of the policy as it was handed out."""
    form = presign(moto_server, bucket)
    document = json.loads(base64.b64decode(form.fields["policy"]))
    document["conditions"] = [
        ["content-length-range", 1, 10**9] if isinstance(c, list) else c
        for c in document["conditions"]
    ]
    edited = base64.b64encode(json.dumps(document).encode()).decode()

    response = post(form, b"x" * (MAX_BYTES + 1), fields={"policy": edited})

    assert response.status_code == 403
    assert error(response) | {"RequestId": "", "HostId": ""} == {
        "Code": "SignatureDoesNotMatch",
        "Message": "The request signature we calculated does not match the signature you "
        "provided. Check your key and signing method.",
        "AWSAccessKeyId": "local",
        "StringToSign": edited,
        "SignatureProvided": form.fields["x-amz-signature"],
        "StringToSignBytes": " ".join(f"{b:02x}" for b in edited.encode()),
        "RequestId": "",
        "HostId": "",
    }
    assert response.headers["access-control-allow-origin"] == ORIGIN  # the tab can read it
    assert stored_keys(moto_server, bucket) == []


def test_a_form_signed_with_a_guessed_secret_is_signature_does_not_match(
    moto_server: LocalMoto, bucket: str
) -> None:
    response = post(signed_by(moto_server, bucket, "local", "a guess"), b"x")

    assert response.status_code == 403
    assert error(response)["Code"] == "SignatureDoesNotMatch"
    assert stored_keys(moto_server, bucket) == []


def test_a_key_the_stack_does_not_have_is_invalid_access_key_id(
    moto_server: LocalMoto, bucket: str
) -> None:
    response = post(signed_by(moto_server, bucket, "AKIAELSEWHERE", "secret"), b"x")

    assert response.status_code == 403
    assert error(response)["Code"] == "InvalidAccessKeyId"
    assert error(response)["AWSAccessKeyId"] == "AKIAELSEWHERE"
    assert stored_keys(moto_server, bucket) == []


def test_a_policy_without_its_signature_is_access_denied(
    moto_server: LocalMoto, bucket: str
) -> None:
    form = presign(moto_server, bucket)
    unsigned = {k: v for k, v in form.fields.items() if not k.lower().startswith("x-amz-")}

    response = post(PresignedPost(url=form.url, fields=unsigned), b"x")

    assert response.status_code == 403
    assert (error(response)["Code"], error(response)["Message"]) == (
        "AccessDenied",
        "Access Denied",
    )
    assert stored_keys(moto_server, bucket) == []


# The rules, one by one, on the function the server applies.

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def policy(*conditions: Any, expires: datetime = NOW + timedelta(minutes=5)) -> str:
    document = {"expiration": expires.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "conditions": conditions}
    return base64.b64encode(json.dumps(document).encode()).decode()


def check(
    encoded: str, fields: dict[str, str] | None = None, *, size: int = 5, bucket: str = "b"
) -> tuple[int, str] | None:
    """(status, message) of the refusal of a form with these (lower-case) fields, or None."""
    form = PostForm(fields={"policy": encoded, **(fields or {})}, file_size=size)
    refusal = check_policy(form, bucket, NOW)
    return None if refusal is None else (refusal.status, refusal.message)


def denied(condition: str) -> tuple[int, str]:
    return 403, f"Invalid according to Policy: Policy Condition failed: {condition}"


def test_starts_with_matches_a_prefix_and_empty_matches_any_present_value() -> None:
    rules = policy(["starts-with", "$key", "user/"], ["starts-with", "$x-amz-meta-tag", ""])
    assert check(rules, {"key": "user/a.jpg", "x-amz-meta-tag": "anything"}) is None
    assert check(rules, {"key": "other/a.jpg", "x-amz-meta-tag": ""}) == denied(
        '["starts-with", "$key", "user/"]'
    )
    assert check(rules, {"key": "user/a.jpg"}) == denied('["starts-with", "$x-amz-meta-tag", ""]')


def test_a_content_type_list_must_match_in_every_item() -> None:
    rules = policy(["starts-with", "$Content-Type", "image/"])
    assert check(rules, {"content-type": "image/jpeg,image/png"}) is None
    assert check(rules, {"content-type": "image/jpeg,text/plain"}) is not None


def test_names_match_whatever_their_case_values_exactly() -> None:
    rules = policy({"Content-Type": "image/jpeg"}, ["EQ", "$Key", "k"])
    assert check(rules, {"key": "k", "content-type": "image/jpeg"}) is None
    assert check(rules, {"key": "K", "content-type": "image/jpeg"}) == denied('["EQ", "$Key", "k"]')


def test_the_bucket_condition_is_the_urls_bucket() -> None:
    rules = policy({"bucket": "mine"})
    assert check(rules, bucket="mine") is None
    assert check(rules, bucket="theirs") == denied('["eq", "$bucket", "mine"]')


def test_size_bounds_are_inclusive_and_may_be_strings() -> None:
    rules = policy(["content-length-range", "5", 10])
    assert [check(rules, size=n) is None for n in (4, 5, 10, 11)] == [False, True, True, False]
    assert check(policy(["content-length-range", "test", 10])) == denied(
        '["content-length-range", "test", 10]'
    )


def test_signature_fields_need_no_condition() -> None:
    exempt = {"x-amz-signature": "s", "file": "f", "awsaccesskeyid": "a", "signature": "s"}
    assert check(policy(), exempt) is None
    assert check(policy(), {"x-amz-date": "d", "acl": "private"}) == (
        403,
        "Invalid according to Policy: Extra input fields: x-amz-date, acl",
    )


def test_the_policy_expires_at_its_expiration() -> None:
    assert check(policy(expires=NOW + timedelta(seconds=1))) is None
    assert check(policy(expires=NOW)) == (
        403,
        "Invalid according to Policy: Policy expired.",
    )


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("not base64!", "Invalid Policy: Invalid JSON."),
        (
            base64.b64encode(b'{"conditions": []}').decode(),
            "Invalid Policy: Policy missing expiration.",
        ),
        (
            base64.b64encode(b'{"expiration": "2026-01-02 03:04:05", "conditions": []}').decode(),
            "Invalid Policy: Invalid 'expiration' value: '2026-01-02 03:04:05'",
        ),
        (
            policy({"key": "a", "acl": "b"}),
            "Invalid Policy: Invalid Simple-Condition: "
            "Simple-Conditions must have exactly one property specified.",
        ),
        (
            policy(["ends-with", "$key", "a"]),
            "Invalid Policy: Invalid Condition: unknown operation 'ends-with'.",
        ),
        (policy(["content-length-range", 0, 5.0]), "Invalid Policy: Invalid JSON."),
    ],
    ids=["not-base64", "no-expiration", "bad-expiration", "two-properties", "unknown-op", "float"],
)
def test_a_malformed_policy_is_an_invalid_policy_document(encoded: str, message: str) -> None:
    assert check(encoded) == (400, message)


def test_the_form_is_read_as_s3_reads_it() -> None:
    boundary = "b0undary"
    parts = [
        ("key", None, b"user/${filename}"),
        ("Policy", None, b"p"),
        ("file", "photos/me.jpg", b"12345\r\n--b0und"),
        ("after", None, b"ignored"),
    ]
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'.encode()
            + (f'; filename="{filename}"'.encode() if filename else b"")
            + b"\r\n\r\n"
            + value
            + b"\r\n"
            for name, filename, value in parts
        )
        + f"--{boundary}--\r\n".encode()
    )

    assert read_form(body, boundary) == PostForm(
        fields={"key": "user/me.jpg", "policy": "p"}, file_size=len(b"12345\r\n--b0und")
    )
    assert read_form(body.replace(b'name="file"', b'name="photo"'), boundary) is None
