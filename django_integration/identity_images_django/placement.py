"""Where a generated image ends up in the host: always through the image field's storage.

`IMAGE_MODE = "path"`: the field's storage is the pipeline's bucket. The callback names
the object's key in the bucket; the field keeps that key relative to the storage's
`location` (django-storages puts `location/` in front of every name), so the storage
finds exactly that object. Nothing is copied.

`IMAGE_MODE = "copy"`: the callback carries a short-lived URL of the image. It is
downloaded within `COPY_MAX_BYTES` and `COPY_CONTENT_TYPES`, checked to be that kind of
image, and saved through the field (`FieldFile.save`), so the host's `upload_to` names it
and any storage works: another bucket, GCS, the file system.

A `PlacementError` carries the answer the callback gives: a 5xx for a failure worth
retrying (the pipeline delivers again), a 4xx for an image that can never fit.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db.models import FileField, Model
from PIL import Image, UnidentifiedImageError

from identity_images_django.conf import AppSettings, identity_model
from identity_images_django.schemas import ImageAssignmentIn

#: What Pillow calls each content type the copy may accept.
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
CHUNK_BYTES = 64 * 1024


class PlacementError(Exception):
    """The image cannot be placed; `status`, `code`, `details` are the callback's answer."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def image_field(conf: AppSettings) -> FileField:
    field = identity_model()._meta.get_field(conf.identity_image_field)
    assert isinstance(field, FileField), "IDENTITY_IMAGE_FIELD must be a FileField"
    return field


@dataclass(frozen=True)
class BucketStorage:
    """A storage that keeps its files in a bucket, under `location` (`""`: the top)."""

    bucket_name: str
    location: str


def bucket_storage(storage: Storage) -> BucketStorage | None:
    """The bucket behind `storage` (django-storages' S3Storage and alikes), or None for a
    storage that is no bucket (the file system, memory)."""
    bucket = getattr(storage, "bucket_name", None)
    if not isinstance(bucket, str) or not bucket:
        return None
    location = str(getattr(storage, "location", "") or "").strip("/")
    return BucketStorage(bucket_name=bucket, location=location)


def name_in_storage(key: str, storage: Storage) -> str:
    """path mode: the name that makes `storage` open the bucket's object `key`."""
    found = bucket_storage(storage)
    if found is None or not found.location:
        return key
    inside = f"{found.location}/"
    if key.startswith(inside) and len(key) > len(inside):
        return key[len(inside) :]
    raise PlacementError(
        400,
        "validation_error",
        f"image_path {key!r} is outside the image storage's location {found.location!r}: "
        "the pipeline's BUCKET_PREFIX must start with the storage's location.",
        {"field": "image_path", "location": found.location},
    )


def key_in_bucket(name: str, storage: Storage) -> str:
    """The bucket's key of the object `storage` names `name`: `name_in_storage` the other
    way, so the pipeline reads back the key its callback sent (under a `location`, the
    field's name alone would be another key). A storage that is no bucket: `name`."""
    found = bucket_storage(storage)
    if found is None or not found.location:
        return name
    return f"{found.location}/{name}"


@dataclass(frozen=True)
class DownloadedImage:
    data: bytes
    content_type: str
    filename: str


def download(
    assignment: ImageAssignmentIn,
    conf: AppSettings,
    *,
    transport: httpx.BaseTransport | None = None,
) -> DownloadedImage:
    """copy mode: the image behind `image_url`, within the size and type limits."""
    url = assignment.image_url
    if not url or urlsplit(url).scheme not in {"https", "http"}:
        raise PlacementError(
            400,
            "validation_error",
            "IMAGE_MODE 'copy' needs an http(s) image_url in the callback.",
            {"field": "image_url"},
        )
    try:
        with (
            httpx.Client(timeout=conf.copy_timeout_s, transport=transport) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise PlacementError(
                    503,
                    "image_copy_failed",
                    f"Downloading the image answered {response.status_code}.",
                    {"status": response.status_code},
                )
            content_type = _allowed_type(response.headers.get("content-type", ""), conf)
            data = _read_within(response, conf.copy_max_bytes)
    except httpx.HTTPError as exc:
        raise PlacementError(
            503, "image_copy_failed", f"Downloading the image failed: {type(exc).__name__}."
        ) from exc
    _check_image(data, content_type)
    stem = posixpath.splitext(posixpath.basename(assignment.image_path))[0] or "image"
    return DownloadedImage(data, content_type, f"{stem}.{EXTENSIONS[content_type]}")


def _allowed_type(header: str, conf: AppSettings) -> str:
    content_type = header.split(";")[0].strip().lower()
    if content_type not in conf.copy_content_types or content_type not in PILLOW_FORMATS:
        allowed = sorted(conf.copy_content_types & set(PILLOW_FORMATS))
        raise PlacementError(
            422,
            "image_rejected",
            f"The image is {content_type or 'untyped'}; COPY_CONTENT_TYPES allows {allowed}.",
            {"content_type": content_type, "allowed": allowed},
        )
    return content_type


def _read_within(response: httpx.Response, max_bytes: int) -> bytes:
    too_big = PlacementError(
        422,
        "image_rejected",
        f"The image is larger than COPY_MAX_BYTES ({max_bytes}).",
        {"max_bytes": max_bytes},
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    buffer = bytearray()
    for chunk in response.iter_bytes(CHUNK_BYTES):
        buffer += chunk
        if len(buffer) > max_bytes:
            raise too_big
    return bytes(buffer)


def _check_image(data: bytes, content_type: str) -> None:
    """The bytes are an image of the declared type, not anything else."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            found = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PlacementError(
            422, "image_rejected", f"The download is not a readable {content_type} image."
        ) from exc
    if found != PILLOW_FORMATS[content_type]:
        raise PlacementError(
            422,
            "image_rejected",
            f"The download says {content_type} but holds {found}.",
            {"content_type": content_type, "format": found},
        )


def save_copy(identity: Model, field_name: str, image: DownloadedImage) -> str:
    """Save through the field: `upload_to` names it, the field's storage keeps it. The
    model is not saved here. Returns the name now in the field."""
    field_file = getattr(identity, field_name)
    field_file.save(image.filename, ContentFile(image.data), save=False)
    return str(field_file.name)
