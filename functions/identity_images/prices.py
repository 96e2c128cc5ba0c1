"""The 2026 list prices the estimates use (Gemini 3 Pro Image, the default model). Plain
constants, so the API Lambda can show them (`GET /v1/config`) without importing the engine.

The tab's estimate before a click is these two only: the output image and each input
image. It leaves out the prompt's text ($2 per million tokens) and the model's thinking
(billed as output text, $12 per million: 1,000 thinking tokens add $0.012), whose counts
are known only from the answer; a job's recorded cost (`engine.pricing`) counts both."""

from __future__ import annotations

#: One output image, by size.
OUTPUT_IMAGE_USD: dict[str, float] = {"1K": 0.134, "2K": 0.134, "4K": 0.24}
#: Each input image (a reference, or a refine's image to edit).
INPUT_IMAGE_USD = 0.0011
