"""The 2026 list prices the estimates use. Plain constants, so the API Lambda can show them
(`GET /v1/config`) without importing the engine."""

from __future__ import annotations

#: One output image, by size.
OUTPUT_IMAGE_USD: dict[str, float] = {"1K": 0.134, "2K": 0.134, "4K": 0.24}
#: Each input image (a reference, or a refine's image to edit).
INPUT_IMAGE_USD = 0.0011
