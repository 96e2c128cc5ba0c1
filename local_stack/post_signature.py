"""S3's check of a presigned POST's signature (SigV4), in front of moto.

S3 stores a browser's upload only when the form's `x-amz-signature` is the HMAC-SHA256 of
its `policy` field (the base64 text, as sent) under the signing key of its
`x-amz-credential` (access key, date, region, `s3`, `aws4_request`). Moto checks no
signature, so without this a policy edited in the browser (a larger size, another key or
type) or made up from nothing would be stored locally where AWS refuses it. The keys are
the local stack's own (`moto_server.LOCAL_CREDENTIALS`).

What S3 answers, checked in this order and before the policy itself (an edited policy is a
signature that does not match):

- none of the signature fields: 403 AccessDenied "Access Denied";
- some of `X-Amz-Signature`, `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date` but not
  all: 400 InvalidArgument "Bucket POST must contain a field named '...'." (ArgumentName);
- SigV2's `AWSAccessKeyId` and `signature`: 400 InvalidRequest (S3 takes only SigV4 in a
  bucket made since mid-2020);
- another algorithm, a credential not `key/yyyymmdd/region/s3/aws4_request`, an
  `x-amz-date` not `yyyymmddThhmmssZ` or of another day: 400
  AuthorizationQueryParametersError;
- an access key the stack does not have: 403 InvalidAccessKeyId (AWSAccessKeyId);
- any other signature: 403 SignatureDoesNotMatch (AWSAccessKeyId, StringToSign,
  SignatureProvided, StringToSignBytes).

Not checked, as elsewhere in the local stack: the region (moto has them all). The date is
not compared with the clock: the policy's `expiration` is.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from local_stack.post_form import PostForm, Refusal

#: The SigV4 form fields, as S3 names a missing one.
SIGV4_FIELDS = ("X-Amz-Signature", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date")
SIGV2_FIELDS = ("AWSAccessKeyId", "Signature")
ALGORITHM = "AWS4-HMAC-SHA256"

_DATE = re.compile(r"\d{8}")
_TIMESTAMP = re.compile(r"(\d{8})T\d{6}Z")
_CREDENTIAL = "Error parsing the X-Amz-Credential parameter; "


def check_signature(form: PostForm, credentials: Mapping[str, str]) -> Refusal | None:
    """What S3 answers a form whose signature it does not take (None: it takes it).
    `credentials` maps each access key id the stack has to its secret."""
    fields = form.fields
    missing = _missing(fields, SIGV4_FIELDS)
    if missing is None:
        missing = _missing(fields, SIGV2_FIELDS)
        if missing is None:
            return Refusal(403, "AccessDenied", "Access Denied")
        if not missing:
            return Refusal(
                400,
                "InvalidRequest",
                "The authorization mechanism you have provided is not supported. Please use "
                f"{ALGORITHM}.",
            )
    if missing:
        return Refusal(
            400,
            "InvalidArgument",
            f"Bucket POST must contain a field named '{missing}'.  If it is specified, please "
            "check the order of the fields.",
            (("ArgumentName", missing), ("ArgumentValue", "")),
        )
    scope = _scope(fields)
    if isinstance(scope, Refusal):
        return scope
    access_key, date, region = scope
    secret = credentials.get(access_key)
    if secret is None:
        return Refusal(
            403,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            (("AWSAccessKeyId", access_key),),
        )
    policy, provided = fields["policy"], fields["x-amz-signature"]
    if hmac.compare_digest(sign_policy(policy, secret, date, region), provided):
        return None
    return Refusal(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        (
            ("AWSAccessKeyId", access_key),
            ("StringToSign", policy),
            ("SignatureProvided", provided),
            ("StringToSignBytes", " ".join(f"{byte:02x}" for byte in policy.encode())),
        ),
    )


def sign_policy(policy: str, secret: str, date: str, region: str) -> str:
    """SigV4's signature of a POST policy: the HMAC-SHA256 (hex) of the base64 policy as
    sent, under the key derived from the secret, the date (yyyymmdd) and the region, as
    botocore signs it (the signing key is all it reads of the request: its day)."""
    signer = SigV4Auth(Credentials(access_key="", secret_key=secret), "s3", region)
    request = AWSRequest()
    request.context["timestamp"] = f"{date}T000000Z"
    return str(signer.signature(policy, request))


def _missing(fields: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    """None when the form has none of `names`, "" when it has them all, else the first it
    lacks (form names are in lower case)."""
    present = [name.lower() in fields for name in names]
    if not any(present):
        return None
    return next((name for name, there in zip(names, present, strict=True) if not there), "")


def _scope(fields: Mapping[str, str]) -> tuple[str, str, str] | Refusal:
    """(access key, date, region) of a well-formed SigV4 form, or S3's refusal."""
    if fields["x-amz-algorithm"] != ALGORITHM:
        return _bad_scope(f'X-Amz-Algorithm only supports "{ALGORITHM}"')
    timestamp = _TIMESTAMP.fullmatch(fields["x-amz-date"])
    if timestamp is None:
        return _bad_scope("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
    parts = fields["x-amz-credential"].split("/")
    if len(parts) != 5:
        return _bad_scope(
            f"{_CREDENTIAL}the Credential is mal-formed; expecting "
            '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
        )
    access_key, date, region, service, terminal = parts
    if not _DATE.fullmatch(date):
        return _bad_scope(
            f'{_CREDENTIAL}incorrect date format "{date}". This date in the credential must be '
            'in the format "yyyyMMdd".'
        )
    if service != "s3":
        return _bad_scope(
            f'{_CREDENTIAL}incorrect service "{service}". This endpoint belongs to "s3".'
        )
    if terminal != "aws4_request":
        return _bad_scope(
            f'{_CREDENTIAL}incorrect terminal "{terminal}". This endpoint uses "aws4_request".'
        )
    if date != timestamp.group(1):
        return _bad_scope(
            f'Invalid credential date "{date}". This date is not the same as X-Amz-Date: '
            f'"{timestamp.group(1)}".'
        )
    return access_key, date, region


def _bad_scope(message: str) -> Refusal:
    return Refusal(400, "AuthorizationQueryParametersError", message)
