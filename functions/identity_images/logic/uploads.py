"""Presigned POSTs for reference photos: one per file, each pinned to its key, type and size."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from identity_images.domain import Caller
from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.api import (
    CreateUploadsRequest,
    CreateUploadsResponse,
    PresignedUpload,
    UploadContentType,
    UploadFileRequest,
)
from identity_images.models.jobs import utc_now
from identity_images.models.ports import ObjectStore
from identity_images.settings import Settings


def check_upload_files(files: Sequence[UploadFileRequest], settings: Settings) -> None:
    """The rules every presigned upload follows: at most `upload_max_files` files, each
    at most `reference_max_bytes` (the content types are the request model's)."""
    if len(files) > settings.upload_max_files:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"At most {settings.upload_max_files} files per upload; got {len(files)}.",
            details={"field": "files", "max": settings.upload_max_files},
        )
    for index, file in enumerate(files):
        if file.size > settings.reference_max_bytes:
            raise PipelineError(
                ErrorCode.VALIDATION_ERROR,
                f"File {index + 1} is {file.size} bytes; the limit is "
                f"{settings.reference_max_bytes}.",
                details={
                    "field": f"files.{index}.size",
                    "max_bytes": settings.reference_max_bytes,
                },
            )


def presign_upload(
    key: str, content_type: UploadContentType, *, storage: ObjectStore, settings: Settings
) -> PresignedUpload:
    """One presigned POST pinned to `key`, `content_type` and 1..`reference_max_bytes`."""
    post = storage.presigned_post(
        key,
        content_type=content_type,
        max_bytes=settings.reference_max_bytes,
        expires_in=settings.upload_url_expiry_s,
    )
    return PresignedUpload(
        key=key,
        url=post.url,
        fields=post.fields,
        content_type=content_type,
        max_bytes=settings.reference_max_bytes,
    )


def create_uploads(
    request: CreateUploadsRequest,
    caller: Caller,
    *,
    storage: ObjectStore,
    settings: Settings,
    now: datetime | None = None,
) -> CreateUploadsResponse:
    """Keys `{root}uploads/{admin_id}/{upload_id}/{n}.{ext}`; refuses too many or too large
    files."""
    check_upload_files(request.files, settings)
    upload_id = uuid.uuid4().hex
    layout = settings.bucket_layout
    uploads = [
        presign_upload(
            layout.upload_key(caller.user_id, upload_id, index + 1, file.content_type),
            file.content_type,
            storage=storage,
            settings=settings,
        )
        for index, file in enumerate(request.files)
    ]
    expires_at = (now or utc_now()) + timedelta(seconds=settings.upload_url_expiry_s)
    return CreateUploadsResponse(upload_id=upload_id, expires_at=expires_at, uploads=uploads)
