"""Smaller renditions of a generated image: for thumbnails, for histories, and for a screen.

Outputs are large (a 4K PNG is ~30 MB); a history of 20 must load in well under 5 MB, a
history's thumbnail of 192 CSS px wants some 384 px on a 2x screen, and a result card on a
laptop's 2x screen some 1,500 px, not 4,096. A rendition is the same picture with its long
side at most the size asked (the preview's default 768 px), sRGB, no metadata, as JPEG or
WebP (the preview about 100 KB at the defaults).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from PIL import Image

from identity_images.errors import ErrorCode, PipelineError

PreviewFormat = Literal["jpeg", "webp"]
_MIME = {"jpeg": "image/jpeg", "webp": "image/webp"}
_PIL_FORMAT = {"jpeg": "JPEG", "webp": "WEBP"}
# Modes resampled as they are (alpha premultiplied); others (palette, 16-bit) are
# converted first, as resampling them would be nearest-neighbour or unsupported.
_SHRINK_FIRST = frozenset({"RGB", "RGBA", "L", "LA"})


@dataclass(frozen=True, slots=True)
class Preview:
    data: bytes
    mime_type: str
    width: int
    height: int


def make_preview(
    data: bytes, *, max_long_side: int = 768, fmt: PreviewFormat = "jpeg", quality: int = 82
) -> Preview:
    """The preview of an image the model returned (PNG or JPEG). Raises `PipelineError`
    (`internal_error`, retryable) when the image cannot be read: the model's output was
    already checked, so that is our fault, not the caller's."""
    (preview,) = make_renditions(data, long_sides=(max_long_side,), fmt=fmt, quality=quality)
    return preview


def make_renditions(
    data: bytes, *, long_sides: Sequence[int], fmt: PreviewFormat = "jpeg", quality: int = 82
) -> list[Preview]:
    """Smaller copies of an image the model returned, one for each of `long_sides` (in
    that order), from one decode: each is shrunk from the next larger one, so a 4K PNG's
    pixels are read once whatever the number of copies. Errors as `make_preview`."""
    largest = max(long_sides)
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale when that still covers the target.
                source.draft("RGB", (largest, largest))
            source.load()
            if source.mode in _SHRINK_FIRST and "transparency" not in source.info:
                # Shrink in place, then flatten the small picture: a 4K PNG decodes to
                # some 68 MB of pixels, and converting it first would copy all of them.
                _shrink(source, largest)
            image = _flatten(source)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise PipelineError(
            ErrorCode.INTERNAL_ERROR,
            "The generated image could not be read to make its preview.",
            retryable=True,
        ) from error
    try:
        made: dict[int, Preview] = {}
        for side in sorted(set(long_sides), reverse=True):
            _shrink(image, side)  # nothing left to do for the largest when it was shrunk first
            made[side] = _encoded(image, fmt, quality)
    finally:
        image.close()
    return [made[side] for side in long_sides]


def _encoded(image: Image.Image, fmt: PreviewFormat, quality: int) -> Preview:
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, _PIL_FORMAT[fmt], quality=quality, method=4)
    else:
        image.save(out, _PIL_FORMAT[fmt], quality=quality, optimize=True, progressive=True)
    width, height = image.size
    return Preview(data=out.getvalue(), mime_type=_MIME[fmt], width=width, height=height)


def _shrink(image: Image.Image, max_long_side: int) -> None:
    """Long side at most `max_long_side`, in place; reduced by whole factors first, so the
    full-size picture is read once and never copied (alpha is resampled premultiplied)."""
    image.thumbnail((max_long_side, max_long_side), Image.Resampling.LANCZOS, reducing_gap=2.0)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB: alpha flattened onto white, any other mode converted."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        rgba.close()
        return flat
    return image.convert("RGB")  # a copy, so the caller may close the source
