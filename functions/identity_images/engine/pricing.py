"""What one image generation cost, in US dollars, from the answer's usage metadata.

Gemini bills per token. For the image model the output image (a fixed token count per
size) and each input image dominate, at the 2026 list prices rounded to what one image
costs (`prices`); the rest is text: the prompt's, and the answer's text and thinking
tokens (`thoughtsTokenCount`, counted apart from `candidatesTokenCount` and billed at the
output text rate). The draft images the model thinks with are not billed apart.
"""

from __future__ import annotations

from identity_images.prices import INPUT_IMAGE_USD, OUTPUT_IMAGE_USD

__all__ = [
    "IMAGE_OUTPUT_TOKENS",
    "INPUT_IMAGE_TOKENS",
    "INPUT_IMAGE_USD",
    "OUTPUT_IMAGE_USD",
    "estimate_cost_usd",
]
# Text tokens in and thinking/text tokens out: $2 and $12 per million.
PROMPT_TOKEN_USD = 2.0 / 1_000_000
TEXT_OUTPUT_TOKEN_USD = 12.0 / 1_000_000
#: Tokens the model bills for one output image, by size (not text). The local Gemini
#: stand-in reports the same counts, so a local job's estimate is a real one's.
IMAGE_OUTPUT_TOKENS: dict[str, int] = {"1K": 1120, "2K": 1120, "4K": 2000}
#: Tokens one input image counts as in `prompt_tokens`.
INPUT_IMAGE_TOKENS = 560


def estimate_cost_usd(
    *, image_size: str, input_images: int, prompt_tokens: int, output_tokens: int
) -> float:
    """The estimated price of one call: output image + input images + the text tokens.

    `prompt_tokens` and `output_tokens` are the usage metadata's counts; the parts of
    them already priced per image (the images' own tokens) are not charged twice.
    """
    if image_size not in OUTPUT_IMAGE_USD:
        raise ValueError(f"unknown image size {image_size!r}")
    text_in = max(0, prompt_tokens - input_images * INPUT_IMAGE_TOKENS)
    text_out = max(0, output_tokens - IMAGE_OUTPUT_TOKENS[image_size])
    cost = (
        OUTPUT_IMAGE_USD[image_size]
        + INPUT_IMAGE_USD * max(0, input_images)
        + PROMPT_TOKEN_USD * text_in
        + TEXT_OUTPUT_TOKEN_USD * text_out
    )
    return round(cost, 6)
