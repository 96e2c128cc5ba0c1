"""The bucket (S3): presigned uploads, reference reads, outputs and their download URLs.

Which keys go where is `identity_images.bucket_layout`'s business, not this adapter's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from identity_images.adapters import aws
from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.ports import ListedObject, ObjectInfo, PresignedPost
from identity_images.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


__all__ = ["ListedObject", "ObjectInfo", "PresignedPost", "Storage"]


def _is_missing(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


def _is_denied(error: ClientError) -> bool:
    """S3 answers 403 for a key the caller may not list, whether or not it exists."""
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in {"403", "AccessDenied", "Forbidden"}


class Storage:
    """`models.ports.ObjectStore` over S3."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self.bucket = bucket

    @classmethod
    def from_settings(cls, settings: Settings) -> Storage:
        return cls(aws.s3(settings), settings.bucket_name)

    def presigned_post(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedPost:
        """A POST policy pinned to exactly `key`, `content_type` and 1..`max_bytes` bytes."""
        post = self._client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=expires_in,
        )
        return PresignedPost(url=post["url"], fields={k: str(v) for k, v in post["fields"].items()})

    def head(self, key: str, *, denied_is_missing: bool = False) -> ObjectInfo | None:
        """The object's size, type and metadata; None when it is not there (404).

        A 403 is raised unless `denied_is_missing`: the functions may list what they
        HEAD, so a 403 is a fault, and a caller that decides something from "not there"
        (the worker: Gemini is called again when no earlier try stored the output) must
        not read it as missing. The API's reference checks opt in, as `read` does: S3
        answers 403 for a missing key under a prefix the role may not list, and a key
        outside the role's grants is no photo it may use either; re-raising it would turn
        a missing photo into a 500 instead of `reference_not_found`.
        """
        try:
            answer = self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error) or (denied_is_missing and _is_denied(error)):
                return None
            raise
        return ObjectInfo(
            key=key,
            size=answer["ContentLength"],
            content_type=answer.get("ContentType", "application/octet-stream"),
            last_modified=answer.get("LastModified"),
            metadata=dict(answer.get("Metadata", {})),
        )

    def list(self, prefix: str) -> list[ListedObject]:
        """Every object under `prefix` (all pages), in key order."""
        paginator = self._client.get_paginator("list_objects_v2")
        return [
            ListedObject(key=item["Key"], size=item["Size"], last_modified=item["LastModified"])
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix)
            for item in page.get("Contents", [])
        ]

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=key)

    def read(self, key: str, *, max_bytes: int) -> bytes:
        """An object's bytes; `reference_not_found` if gone, `reference_invalid` if too big."""
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                raise PipelineError(
                    ErrorCode.REFERENCE_NOT_FOUND,
                    f"Reference {key!r} is not in the bucket.",
                    details={"key": key},
                ) from error
            if _is_denied(error):
                # The functions may list what they read, so a missing key is a 404; a 403
                # on a key the job expects is not worth five retries either: the key is
                # outside what this function may read (or gone where it may not list).
                raise PipelineError(
                    ErrorCode.REFERENCE_NOT_FOUND,
                    f"Reference {key!r} cannot be read (access denied).",
                    details={"key": key, "s3_error": "AccessDenied"},
                ) from error
            raise
        body = answer["Body"]
        try:
            if answer["ContentLength"] > max_bytes:
                raise PipelineError(
                    ErrorCode.REFERENCE_INVALID,
                    f"Reference {key!r} is larger than {max_bytes} bytes.",
                    details={"key": key, "size": answer["ContentLength"], "max_bytes": max_bytes},
                )
            return body.read()
        finally:
            body.close()  # a body left unread holds its pooled connection

    def write(self, key: str, data: bytes, *, content_type: str, metadata: dict[str, str]) -> None:
        self._client.put_object(
            Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, Metadata=metadata
        )

    def presigned_get(
        self, key: str, *, expires_in: int, content_disposition: str | None = None
    ) -> str:
        """A GET URL; `content_disposition` makes S3 answer with that header (a download)."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if content_disposition:
            params["ResponseContentDisposition"] = content_disposition
        return self._client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expires_in
        )
