"""S3's POST policy, enforced in front of moto.

The browser uploads reference photos straight to the bucket with a presigned POST whose
policy pins the key, the Content-Type and 1..`REFERENCE_MAX_BYTES` bytes
(`identity_images.adapters.storage`). S3 enforces that policy; moto stores whatever is
posted. So without this, an oversize or wrong-type upload succeeds on the local stack
where AWS refuses it. `PostPolicyMiddleware` wraps moto's WSGI app: a browser-style upload
(a `multipart/form-data` POST to a bucket, path style `/{bucket}`, with a `policy` field) is
checked as S3 checks it and, if it fails, answered as S3 answers; every other request, and
every upload the policy allows, reaches moto unchanged, body and all (up to the file's end).

What is checked, after AWS's "POST Policy" page (sigv4-HTTPPOSTConstructPolicy) and S3's
answers as others have recorded them:

- the `expiration` (403 AccessDenied "Invalid according to Policy: Policy expired.");
- each condition: `{"field": value}` and `["eq", "$field", value]` (exact),
  `["starts-with", "$field", prefix]` (a Content-Type list must match in every item; ""
  allows any value but not a missing field), `{"bucket": ...}` against the URL's bucket
  (403 AccessDenied "... Policy Condition failed: [...]");
- `["content-length-range", min, max]` against the file's size, bounds included
  (400 EntityTooSmall / EntityTooLarge with ProposedSize and Min/MaxSizeAllowed);
- that every form field is named by a condition, but for `policy`, `x-amz-signature`,
  `file`, `x-ignore-*` (and SigV2's `AWSAccessKeyId` and `signature`) (403 AccessDenied
  "... Extra input fields: ...");
- a policy that is not base64 JSON of that shape: 400 InvalidPolicyDocument.

As in S3, a field's name matches whatever its case, its value exactly; the fields after the
file part are ignored (moto is handed the form only up to the file's end: it would store a
later file part); `${filename}` in a field is the file's name; a form with no policy is
anonymous, 403 AccessDenied (no bucket of the pipeline takes anonymous uploads). The form's
signature is checked first, with the local stack's credentials (`post_signature`). Not checked: the
region, the 20 KB limit before the file. A refusal carries the CORS headers the bucket's
CORS rules give its origin, so a page on another origin (the Images tab) can read the
status and the code.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import logging
import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from werkzeug.http import parse_options_header
from werkzeug.wsgi import get_input_stream

from local_stack.post_form import PostForm, Refusal, read_form, through_the_file
from local_stack.post_signature import check_signature

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("local_stack.moto")

#: Form fields no condition has to name (SigV4; SigV2's two as well), besides `x-ignore-*`.
EXEMPT_FIELDS = frozenset({"policy", "x-amz-signature", "file", "awsaccesskeyid", "signature"})

_EXPIRATION = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")


@dataclass(frozen=True)
class CorsRule:
    origins: tuple[str, ...]
    methods: tuple[str, ...]
    exposed_headers: tuple[str, ...] = ()
    max_age_s: int | None = None


class _InvalidPolicyError(Exception):
    pass


@dataclass(frozen=True)
class _Condition:
    operation: str  # "eq", "starts-with" or "content-length-range"
    operands: tuple[Any, Any]  # ("$field", value) or (min, max)
    shown: list[Any]  # as S3 quotes it when it fails


def check_policy(form: PostForm, bucket: str, now: datetime) -> Refusal | None:
    """What S3 answers a form with a `policy` field (None: the upload is allowed)."""
    try:
        expiration, conditions = _parse_policy(form.fields["policy"])
    except _InvalidPolicyError as error:
        return Refusal(400, "InvalidPolicyDocument", f"Invalid Policy: {error}")
    if now >= expiration:
        return _denied("Policy expired.")
    named: set[str] = set()
    for condition in conditions:
        if condition.operation == "content-length-range":
            refusal = _check_size(condition, form.file_size)
            if refusal is not None:
                return refusal
            continue
        field, expected = condition.operands
        name = field[1:].lower() if field.startswith("$") else None
        if name is not None:
            named.add(name)
        actual = bucket if name == "bucket" else form.fields.get(name or "")
        if actual is None or not _matches(condition.operation, name, actual, expected):
            return _denied(f"Policy Condition failed: {json.dumps(condition.shown)}")
    extra = [
        name
        for name in form.fields
        if name not in named and name not in EXEMPT_FIELDS and not name.startswith("x-ignore-")
    ]
    if extra:
        return _denied(f"Extra input fields: {', '.join(extra)}")
    return None


def _denied(reason: str) -> Refusal:
    return Refusal(403, "AccessDenied", f"Invalid according to Policy: {reason}")


def _parse_policy(encoded: str) -> tuple[datetime, list[_Condition]]:
    try:
        policy = json.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError) as error:
        raise _InvalidPolicyError("Invalid JSON.") from error
    if not isinstance(policy, dict):
        raise _InvalidPolicyError("Invalid JSON.")
    if "expiration" not in policy:
        raise _InvalidPolicyError("Policy missing expiration.")
    expiration = policy["expiration"]
    if not isinstance(expiration, str) or not _EXPIRATION.fullmatch(expiration):
        raise _InvalidPolicyError(f"Invalid 'expiration' value: '{expiration}'")
    conditions = policy.get("conditions")
    if not isinstance(conditions, list):
        raise _InvalidPolicyError("Policy missing conditions.")
    return datetime.fromisoformat(expiration), [_parse_condition(c) for c in conditions]


def _parse_condition(condition: object) -> _Condition:
    if isinstance(condition, dict):
        if len(condition) != 1:
            raise _InvalidPolicyError(
                "Invalid Simple-Condition: Simple-Conditions must have exactly one property "
                "specified."
            )
        [(name, value)] = condition.items()
        if not isinstance(value, str):
            raise _InvalidPolicyError("Invalid Simple-Condition: value must be a string.")
        return _Condition("eq", (f"${name}", value), ["eq", f"${name}", value])
    if not isinstance(condition, list):
        raise _InvalidPolicyError("Invalid condition test: must be a List or Object.")
    if not condition or not isinstance(condition[0], str):
        raise _InvalidPolicyError("Invalid Condition: missing operation identifier.")
    operation = condition[0].lower()
    if operation not in {"eq", "starts-with", "content-length-range"}:
        raise _InvalidPolicyError(f"Invalid Condition: unknown operation '{condition[0]}'.")
    if len(condition) != 3:
        raise _InvalidPolicyError(f"Invalid {condition[0]}: wrong number of arguments.")
    first, second = condition[1], condition[2]
    if operation == "content-length-range":
        if any(isinstance(b, float) for b in (first, second)):
            raise _InvalidPolicyError("Invalid JSON.")
    elif not isinstance(first, str) or not isinstance(second, str):
        raise _InvalidPolicyError("Invalid JSON.")
    return _Condition(operation, (first, second), condition)


def _check_size(condition: _Condition, size: int) -> Refusal | None:
    low, high = (_bound(b) for b in condition.operands)
    if low is None or high is None:
        return _denied(f"Policy Condition failed: {json.dumps(condition.shown)}")
    if size < low:
        return Refusal(
            400,
            "EntityTooSmall",
            "Your proposed upload is smaller than the minimum allowed size",
            (("ProposedSize", str(size)), ("MinSizeAllowed", str(low))),
        )
    if size > high:
        return Refusal(
            400,
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
            (("ProposedSize", str(size)), ("MaxSizeAllowed", str(high))),
        )
    return None


def _bound(value: object) -> int | None:
    """A size bound: an integer, or a string of digits (S3 takes "5" as 5)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _matches(operation: str, name: str | None, actual: str, expected: str) -> bool:
    if operation == "eq":
        return actual == expected
    if name == "content-type":  # "image/png,image/gif": each item must start so
        return all(item.strip().startswith(expected) for item in actual.split(","))
    return actual.startswith(expected)


def cors_headers(rules: Iterable[CorsRule], origin: str | None) -> list[tuple[str, str]]:
    """The CORS headers S3 gives a POST from `origin`: those of the first rule that allows
    the origin and POST, none if no rule does."""
    if not origin:
        return []
    for rule in rules:
        if "POST" in rule.methods and any(_origin_matches(p, origin) for p in rule.origins):
            headers = [
                ("Access-Control-Allow-Origin", "*" if "*" in rule.origins else origin),
                ("Access-Control-Allow-Methods", ", ".join(rule.methods)),
                ("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"),
            ]
            if rule.exposed_headers:
                headers.append(("Access-Control-Expose-Headers", ", ".join(rule.exposed_headers)))
            if rule.max_age_s is not None:
                headers.append(("Access-Control-Max-Age", str(rule.max_age_s)))
            return headers
    return []


def _origin_matches(pattern: str, origin: str) -> bool:
    """An AllowedOrigin matches exactly, or with its `*` standing for any characters."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), origin) is not None


def moto_bucket_cors(bucket: str) -> list[CorsRule] | None:
    """The CORS rules of a bucket in this process's moto; None if there is no such bucket."""
    from moto.s3.models import s3_backends

    where = s3_backends.bucket_accounts.get(bucket)
    if where is None:
        return None
    partition, account = where
    found = s3_backends[account][partition].buckets.get(bucket)
    if found is None:
        return None
    return [
        CorsRule(
            origins=tuple(rule.allowed_origins or ()),
            methods=tuple(rule.allowed_methods or ()),
            exposed_headers=tuple(rule.exposed_headers or ()),
            max_age_s=None if rule.max_age_seconds is None else int(rule.max_age_seconds),
        )
        for rule in found.cors
    ]


class PostPolicyMiddleware:
    """Moto's WSGI app behind S3's POST policy check (see the module's docstring)."""

    def __init__(
        self,
        app: WSGIApplication,
        credentials: Mapping[str, str],
        bucket_cors: Callable[[str], Sequence[CorsRule] | None] = moto_bucket_cors,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._app = app
        self._credentials = credentials  # access key id -> secret, for the signatures
        self._bucket_cors = bucket_cors
        self._clock = clock

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        upload = _form_upload(environ)
        if upload is None:
            return self._app(environ, start_response)
        bucket, boundary = upload
        body = get_input_stream(environ).read()
        # Moto reads what S3 reads of the form: the parts up to the file's end (it would
        # store a later file part, which S3 ignores as it ignores every part after the file).
        kept = through_the_file(body, boundary)
        environ["wsgi.input"] = io.BytesIO(kept)
        environ["CONTENT_LENGTH"] = str(len(kept))
        form = read_form(body, boundary)
        if form is None:
            return self._app(environ, start_response)  # not multipart, or no file
        rules = self._bucket_cors(bucket)
        if rules is None:
            return self._app(environ, start_response)  # moto's NoSuchBucket
        # As S3: a form with no policy is anonymous, and the bucket takes none; then the
        # signature (an edited policy is one that does not match it), then the policy.
        refusal = (
            ANONYMOUS
            if "policy" not in form.fields
            else check_signature(form, self._credentials)
            or check_policy(form, bucket, self._clock())
        )
        if refusal is None:
            return self._app(environ, start_response)
        log.info("POST to %s refused: %s %s", bucket, refusal.code, refusal.message)
        body = _error_document(refusal)
        headers = [
            ("Content-Type", "application/xml"),
            ("Content-Length", str(len(body))),
            *cors_headers(rules, environ.get("HTTP_ORIGIN")),
        ]
        start_response(f"{refusal.status} {HTTPStatus(refusal.status).phrase}", headers)
        return [body]


#: A form with no policy: an anonymous upload, which no bucket of the pipeline allows.
ANONYMOUS = Refusal(403, "AccessDenied", "Access Denied")


def _form_upload(environ: WSGIEnvironment) -> tuple[str, str] | None:
    """(bucket, boundary) of a multipart POST to a bucket's path-style URL, else None."""
    if environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
        return None
    media_type, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
    match = re.fullmatch(r"/([^/]+)/?", environ.get("PATH_INFO", ""))
    if media_type != "multipart/form-data" or "boundary" not in options or match is None:
        return None
    return match.group(1), options["boundary"]


def _error_document(refusal: Refusal) -> bytes:
    root = ET.Element("Error")
    elements = (
        ("Code", refusal.code),
        ("Message", refusal.message),
        *refusal.details,
        ("RequestId", secrets.token_hex(8).upper()),
        ("HostId", base64.b64encode(secrets.token_bytes(48)).decode()),
    )
    for name, text in elements:
        ET.SubElement(root, name).text = text
    document = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{document}'.encode()
