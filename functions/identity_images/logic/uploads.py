"""Presigned POSTs for reference photos: one per file, each pinned to its key, type and size."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from identity_images.adapters.storage import Storage, extension_for, upload_prefix
from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.api import (
    Caller,
    CreateUploadsRequest,
    CreateUploadsResponse,
    PresignedUpload,
)
from identity_images.models.jobs import utc_now
from identity_images.settings import Settings


def create_uploads(
    request: CreateUploadsRequest,
    caller: Caller,
    *,
    storage: Storage,
    settings: Settings,
    now: datetime | None = None,
) -> CreateUploadsResponse:
    """Keys `uploads/{admin_id}/{upload_id}/{n}.{ext}`; refuses too many or too large files."""
    if len(request.files) > settings.upload_max_files:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"At most {settings.upload_max_files} files per upload; got {len(request.files)}.",
            details={"field": "files", "max": settings.upload_max_files},
        )
    for index, file in enumerate(request.files):
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
    upload_id = uuid.uuid4().hex
    prefix = f"{upload_prefix(caller.user_id)}{upload_id}/"
    uploads = []
    for index, file in enumerate(request.files):
        key = f"{prefix}{index + 1}.{extension_for(file.content_type)}"
        post = storage.presigned_post(
            key,
            content_type=file.content_type,
            max_bytes=settings.reference_max_bytes,
            expires_in=settings.upload_url_expiry_s,
        )
        uploads.append(
            PresignedUpload(
                key=key,
                url=post.url,
                fields=post.fields,
                content_type=file.content_type,
                max_bytes=settings.reference_max_bytes,
            )
        )
    expires_at = (now or utc_now()) + timedelta(seconds=settings.upload_url_expiry_s)
    return CreateUploadsResponse(upload_id=upload_id, expires_at=expires_at, uploads=uploads)
