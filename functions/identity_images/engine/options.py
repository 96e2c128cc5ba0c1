"""The aspect ratios and sizes the image model accepts, and the pixels each one gives.

`output_dimensions` is the real model's table (gemini-3-pro-image): the local
Gemini-compatible server draws images of exactly this size and the adapter checks the
returned image against it, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import get_args

from identity_images.errors import ErrorCode, PipelineError
from identity_images.settings import AspectRatio, ImageSize

ASPECT_RATIOS: tuple[str, ...] = get_args(AspectRatio)
IMAGE_SIZES: tuple[str, ...] = get_args(ImageSize)

# Width x height at 1K; 2K doubles and 4K quadruples each side.
_DIMENSIONS_1K: dict[str, tuple[int, int]] = {
    "1:1": (1024, 1024),
    "2:3": (848, 1264),
    "3:2": (1264, 848),
    "3:4": (896, 1200),
    "4:3": (1200, 896),
    "4:5": (928, 1152),
    "5:4": (1152, 928),
    "9:16": (768, 1376),
    "16:9": (1376, 768),
    "21:9": (1584, 672),
}
_SIZE_FACTOR: dict[str, int] = {"1K": 1, "2K": 2, "4K": 4}

assert set(_DIMENSIONS_1K) == set(ASPECT_RATIOS), "the table must cover every aspect ratio"
assert set(_SIZE_FACTOR) == set(IMAGE_SIZES), "the table must cover every image size"


def validate_options(aspect_ratio: str, image_size: str) -> None:
    """Raise `validation_error` (with the offending field) for an unsupported option."""
    if aspect_ratio not in _DIMENSIONS_1K:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"Unsupported aspect ratio {aspect_ratio!r}; use one of {', '.join(ASPECT_RATIOS)}.",
            details={"field": "aspect_ratio", "allowed": list(ASPECT_RATIOS)},
        )
    if image_size not in _SIZE_FACTOR:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"Unsupported image size {image_size!r}; use one of {', '.join(IMAGE_SIZES)}.",
            details={"field": "image_size", "allowed": list(IMAGE_SIZES)},
        )


def output_dimensions(aspect_ratio: str, image_size: str) -> tuple[int, int]:
    """(width, height) in pixels of the image the model returns for these options."""
    validate_options(aspect_ratio, image_size)
    width, height = _DIMENSIONS_1K[aspect_ratio]
    factor = _SIZE_FACTOR[image_size]
    return width * factor, height * factor
