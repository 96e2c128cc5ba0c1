"""The image types the pipeline accepts, and the one way to read a content type.

One list: the upload routes' `content_type` (`UploadContentType`), the check of an
uploaded reference before a job is queued, the trigger's and the worker's "is this a
usable reference", the `/v1/config` answer and the keys' file extensions all read it.
Pure Python: importable from anywhere (the CDK app and the local stack too).
"""

from __future__ import annotations

from typing import Literal, get_args

UploadContentType = Literal["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"]
ACCEPTED_TYPES: frozenset[str] = frozenset(get_args(UploadContentType))

#: File extensions of each accepted type, the one a key gets first (browsers often give
#: `.heic` files no MIME type).
EXTENSIONS_BY_TYPE: dict[str, list[str]] = {
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "image/webp": [".webp"],
    "image/heic": [".heic"],
    "image/heif": [".heif"],
}
#: The same extensions without their dot.
IMAGE_EXTENSIONS: frozenset[str] = frozenset(
    extension.lstrip(".") for extensions in EXTENSIONS_BY_TYPE.values() for extension in extensions
)
#: Content types that say nothing; a key's extension decides then.
GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})


def normalize(content_type: str | None) -> str:
    """`Image/JPEG; charset=x` -> `image/jpeg` (None -> "")."""
    return (content_type or "").split(";")[0].strip().lower()


def is_accepted_type(content_type: str | None) -> bool:
    return normalize(content_type) in ACCEPTED_TYPES


def extension_for(content_type: str) -> str:
    """File extension (no dot) for an image content type (`bin` for anything else)."""
    extensions = EXTENSIONS_BY_TYPE.get(normalize(content_type))
    return extensions[0].lstrip(".") if extensions else "bin"
