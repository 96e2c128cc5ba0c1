"""The signature rules of a presigned POST (`local_stack.post_signature`), one by one; the
server's answers over HTTP are in `test_post_policy.py`."""

from __future__ import annotations

import pytest

from local_stack.post_form import PostForm
from local_stack.post_signature import check_signature, sign_policy

KEYS = {"local": "local-secret"}
POLICY = "eyJleHBpcmF0aW9uIjogIjIwMjYtMDEtMDJUMDM6MDk6MDUuMDAwWiIsICJjb25kaXRpb25zIjogW119"
DATE = "20260102"


def signed(**changes: str | None) -> dict[str, str]:
    """A form's signature fields, signed with KEYS for POLICY; None drops a field."""
    fields = {
        "policy": POLICY,
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": f"local/{DATE}/eu-west-1/s3/aws4_request",
        "x-amz-date": f"{DATE}T030405Z",
        "x-amz-signature": sign_policy(POLICY, "local-secret", DATE, "eu-west-1"),
    }
    fields.update(changes)  # type: ignore[arg-type]
    return {name: value for name, value in fields.items() if value is not None}


def answer(fields: dict[str, str]) -> tuple[int, str, str] | None:
    refusal = check_signature(PostForm(fields=fields, file_size=1), KEYS)
    return None if refusal is None else (refusal.status, refusal.code, refusal.message)


def test_the_signature_is_the_one_of_the_s3_documentation_example() -> None:
    """AWS's own example ("Example: Browser-Based Upload using HTTP POST (Using AWS
    Signature Version 4)"): its policy, secret, date and region give its signature."""
    policy = (
        "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAg"
        "ICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAi"
        "dXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25f"
        "cmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxf"
        "dXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQog"
        "ICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRl"
        "LWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAi"
        "Il0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMt"
        "ZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEy"
        "NTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
    )
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    assert sign_policy(policy, secret, "20151229", "us-east-1") == (
        "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
    )


def test_a_form_signed_with_a_known_key_is_taken_in_any_region() -> None:
    assert answer(signed()) is None


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("x-amz-signature", "X-Amz-Signature"),
        ("x-amz-algorithm", "X-Amz-Algorithm"),
        ("x-amz-credential", "X-Amz-Credential"),
        ("x-amz-date", "X-Amz-Date"),
    ],
)
def test_a_missing_signature_field_is_named(field: str, name: str) -> None:
    refusal = check_signature(PostForm(fields=signed(**{field: None}), file_size=1), KEYS)

    assert refusal is not None
    assert (refusal.status, refusal.code) == (400, "InvalidArgument")
    assert refusal.message == (
        f"Bucket POST must contain a field named '{name}'.  If it is specified, please check "
        "the order of the fields."
    )
    assert refusal.details == (("ArgumentName", name), ("ArgumentValue", ""))


def test_signature_version_2_is_not_taken() -> None:
    version_2 = {"policy": POLICY, "awsaccesskeyid": "local", "signature": "c2ln"}
    assert answer(version_2) == (
        400,
        "InvalidRequest",
        "The authorization mechanism you have provided is not supported. Please use "
        "AWS4-HMAC-SHA256.",
    )
    assert answer({"policy": POLICY, "signature": "c2ln"}) == (
        400,
        "InvalidArgument",
        "Bucket POST must contain a field named 'AWSAccessKeyId'.  If it is specified, please "
        "check the order of the fields.",
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"x-amz-algorithm": "AWS4-HMAC-SHA1"},
        {"x-amz-date": "2026-01-02T03:04:05Z"},
        {"x-amz-credential": f"local/{DATE}/eu-west-1/s3"},
        {"x-amz-credential": "local/2026-01-02/eu-west-1/s3/aws4_request"},
        {"x-amz-credential": f"local/{DATE}/eu-west-1/ec2/aws4_request"},
        {"x-amz-credential": f"local/{DATE}/eu-west-1/s3/aws3_request"},
        {"x-amz-credential": "local/20260103/eu-west-1/s3/aws4_request"},  # not x-amz-date's day
    ],
    ids=[
        "algorithm",
        "date-format",
        "credential-parts",
        "credential-date",
        "service",
        "terminal",
        "another-day",
    ],
)
def test_a_malformed_scope_is_an_authorization_parameters_error(changes: dict[str, str]) -> None:
    refused = answer(signed(**changes))

    assert refused is not None
    assert refused[:2] == (400, "AuthorizationQueryParametersError")


def test_an_unknown_key_is_refused_before_its_signature_is_computed() -> None:
    other = signed(**{"x-amz-credential": f"AKIAOTHER/{DATE}/eu-west-1/s3/aws4_request"})

    assert answer(other) == (
        403,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"policy": POLICY.replace("MDk6", "MTk6")},  # the expiration moved on, same signature
        {"x-amz-signature": sign_policy(POLICY, "a guess", DATE, "eu-west-1")},
        {"x-amz-signature": sign_policy(POLICY, "local-secret", DATE, "us-east-1")},  # region
    ],
    ids=["edited-policy", "another-secret", "another-region"],
)
def test_any_other_signature_does_not_match(changes: dict[str, str]) -> None:
    refused = answer(signed(**changes))

    assert refused is not None
    assert refused[:2] == (403, "SignatureDoesNotMatch")
