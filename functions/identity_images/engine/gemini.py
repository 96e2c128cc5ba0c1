"""The Gemini image adapter: one `generate` call through `google-genai`, typed errors out.

It sits in `engine/`, not `adapters/`, on purpose: it applies the engine's own rules
(`engine.options` validates the aspect ratio and size and gives the output's
dimensions, `engine.pricing` the cost, `engine.memory` the buffers), and an adapter may
not import the engine (imports point down: handlers, logic, engine, adapters, models).
Only the worker (and the CLI) import it; the API, the authorizer and the trigger never do.

What it takes care of, so callers do not have to:
- the client: API key (environment or Secrets Manager), Vertex AI, `GEMINI_BASE_URL`
  (the local Gemini-compatible server, a proxy), API version, a timeout and retries with
  backoff on 408/429/500/502/503/504, all through the SDK's own `HttpOptions`;
- the request: prepared reference bytes with their mime type (never PIL images, which the
  SDK would re-encode as PNG), the aspect ratio and size validated before any call (the
  size also against the sizes the model makes);
- the answer: the image is the last `inline_data` part that is not a thought; blocks do
  not raise in the SDK, so a blocked prompt or a blocking finish reason becomes
  `content_blocked`, a text-only answer `no_image`; HTTP failures become
  `provider_unavailable` (retryable) or `provider_rejected`;
- the image: decoded to prove it is one, with its real mime type, width and height;
- usage: token counts and an estimated cost at the prices of the model called (none for a
  model whose prices we do not know); an answer without an image was billed all the same,
  and its error carries its usage (`BilledError`) for the failed job to record.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import httpx2
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from PIL import Image, UnidentifiedImageError

from identity_images.adapters.secrets import resolve_secret
from identity_images.engine.memory import release_large_buffers_eagerly
from identity_images.engine.options import output_dimensions, validate_options
from identity_images.engine.pricing import estimate_cost_usd
from identity_images.errors import ErrorCode, PipelineError
from identity_images.generation_rules import check_image_size
from identity_images.models.jobs import BilledError, JobUsage
from identity_images.settings import Settings

logger = logging.getLogger(__name__)

RETRY_STATUS_CODES = (408, 429, 500, 502, 503, 504)
# google-genai sends through httpx2 (a fork of httpx under its own name) when it is
# installed, else httpx; a timeout or a network failure surfaces as that library's error.
_TIMEOUT_ERRORS = (httpx.TimeoutException, httpx2.TimeoutException)
_TRANSPORT_ERRORS = (httpx.TransportError, httpx2.TransportError)
# Finish reasons that mean the model refused (policy), not that it failed.
BLOCKING_FINISH_REASONS = frozenset(
    {
        "SAFETY",
        "RECITATION",
        "LANGUAGE",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
        "IMAGE_OTHER",
        "NO_IMAGE",
        "MODEL_ARMOR",
    }
)
# Given to the SDK when a base URL is set but no key: the local server accepts any key,
# and the SDK refuses to build a Gemini API client without one.
LOCAL_PLACEHOLDER_KEY = "local-gemini-server"
_IMAGE_FORMAT_MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
_TEXT_SNIPPET_CHARS = 300

NOT_CONFIGURED_MESSAGE = (
    "Gemini is not configured: set GEMINI_API_KEY (or GEMINI_API_KEY_SECRET_ARN, or "
    "GEMINI_USE_VERTEX=true with GOOGLE_CLOUD_PROJECT). To run offline, start the local "
    "Gemini-compatible server with `python -m local_stack.gemini_server --port 8765` and "
    "set GEMINI_BASE_URL=http://127.0.0.1:8765."
)


class ReferencePayload(Protocol):
    """What the adapter needs of a prepared reference (`references.PreparedReference`)."""

    @property
    def data(self) -> bytes: ...

    @property
    def mime_type(self) -> str: ...


#: Tokens one call used, as Gemini reports them, and what it is estimated to cost: the
#: job's own record of it, so the worker stores it as it is.
Usage = JobUsage


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes
    mime_type: str
    width: int
    height: int
    model: str
    usage: Usage
    finish_reason: str | None


def http_options_from_settings(settings: Settings) -> types.HttpOptions:
    """Base URL, API version, timeout (the SDK wants milliseconds) and retries."""
    initial = settings.gemini_retry_initial_delay_s
    return types.HttpOptions(
        base_url=settings.gemini_base_url,
        api_version=settings.gemini_api_version,
        timeout=max(1, round(settings.gemini_timeout_s * 1000)),
        retry_options=types.HttpRetryOptions(
            attempts=settings.gemini_retry_attempts,
            initial_delay=initial,
            max_delay=max(initial, settings.gemini_retry_max_delay_s),
            exp_base=2.0,
            # Random extra wait of up to half the first delay, so clients spread out.
            jitter=initial / 2,
            http_status_codes=list(RETRY_STATUS_CODES),
        ),
    )


class GeminiImageProvider:
    """Generates one image per call with a Gemini image model."""

    def __init__(self, client: genai.Client, *, default_model: str) -> None:
        self._client = client
        self.default_model = default_model
        # Answers are tens of MB, parsed through several buffers that size: make the
        # allocator hand each back when freed instead of keeping it (see `memory`).
        release_large_buffers_eagerly()

    @classmethod
    def from_settings(cls, settings: Settings) -> GeminiImageProvider:
        http_options = http_options_from_settings(settings)
        api_key = resolve_secret(
            settings.gemini_api_key, settings.gemini_api_key_secret_arn, settings
        )
        if settings.gemini_use_vertex:
            if settings.google_cloud_project:
                client = genai.Client(
                    vertexai=True,
                    project=settings.google_cloud_project,
                    location=settings.google_cloud_location,
                    http_options=http_options,
                )
            elif api_key:  # Vertex AI express mode
                client = genai.Client(vertexai=True, api_key=api_key, http_options=http_options)
            else:
                raise PipelineError(ErrorCode.PROVIDER_NOT_CONFIGURED, NOT_CONFIGURED_MESSAGE)
        elif api_key or settings.gemini_base_url:
            client = genai.Client(
                api_key=api_key or LOCAL_PLACEHOLDER_KEY, http_options=http_options
            )
        else:
            raise PipelineError(ErrorCode.PROVIDER_NOT_CONFIGURED, NOT_CONFIGURED_MESSAGE)
        return cls(client, default_model=settings.gemini_model)

    def generate(
        self,
        *,
        prompt: str,
        references: Sequence[ReferencePayload],
        aspect_ratio: str,
        image_size: str,
        model: str | None = None,
    ) -> GeneratedImage:
        validate_options(aspect_ratio, image_size)
        model_name = model or self.default_model
        check_image_size(model_name, image_size, field="image_size")
        contents: list[Any] = [
            prompt,
            *[types.Part.from_bytes(data=r.data, mime_type=r.mime_type) for r in references],
        ]
        config = types.GenerateContentConfig(
            response_modalities=["TEXT", "IMAGE"],
            image_config=types.ImageConfig(aspect_ratio=aspect_ratio, image_size=image_size),
        )
        try:
            response = self._client.models.generate_content(
                model=model_name, contents=contents, config=config
            )
        except genai_errors.APIError as exc:
            raise _api_error(exc, model_name) from exc
        except (genai_errors.UnknownApiResponseError, json.JSONDecodeError) as exc:
            raise PipelineError(
                ErrorCode.PROVIDER_UNAVAILABLE,
                "Gemini answered with something that is not its JSON.",
                retryable=True,
                details={"reason": "bad_response", "model": model_name},
            ) from exc
        except _TIMEOUT_ERRORS as exc:
            raise PipelineError(
                ErrorCode.PROVIDER_UNAVAILABLE,
                "Gemini did not answer in time.",
                retryable=True,
                details={"reason": "timeout", "model": model_name},
            ) from exc
        except _TRANSPORT_ERRORS as exc:
            raise PipelineError(
                ErrorCode.PROVIDER_UNAVAILABLE,
                f"Could not reach Gemini: {exc}",
                retryable=True,
                details={"reason": "network", "model": model_name},
            ) from exc

        def usage(*, with_image: bool) -> Usage:
            return _usage(
                response,
                model=model_name,
                image_size=image_size,
                input_images=len(references),
                with_image=with_image,
            )

        try:
            data, mime_type, finish_reason = _extract_image(response, model_name)
        except PipelineError as refused:
            # An answer (200) is billed, image or not: the job records what this one cost.
            raise BilledError(refused, usage(with_image=False)) from refused
        width, height, real_mime = _inspect_image(data, mime_type, model_name)
        expected = output_dimensions(aspect_ratio, image_size)
        if (width, height) != expected:
            logger.warning(
                "Gemini returned %dx%d, expected %dx%d for %s %s",
                width,
                height,
                *expected,
                aspect_ratio,
                image_size,
            )
        return GeneratedImage(
            data=data,
            mime_type=real_mime,
            width=width,
            height=height,
            model=response.model_version or model_name,
            usage=usage(with_image=True),
            finish_reason=finish_reason,
        )


def _api_error(exc: genai_errors.APIError, model: str) -> PipelineError:
    code = exc.code or 0
    details = {"status_code": code, "status": exc.status, "model": model}
    text = exc.message or str(exc)
    if code in RETRY_STATUS_CODES or code >= 500 or code < 400:
        return PipelineError(
            ErrorCode.PROVIDER_UNAVAILABLE,
            f"Gemini is unavailable ({exc.code} {exc.status}): {text}",
            retryable=True,
            details=details,
        )
    return PipelineError(
        ErrorCode.PROVIDER_REJECTED,
        f"Gemini rejected the request ({exc.code} {exc.status}): {text}",
        details=details,
    )


def _usage(
    response: types.GenerateContentResponse,
    *,
    model: str,
    image_size: str,
    input_images: int,
    with_image: bool,
) -> Usage:
    meta = response.usage_metadata
    if meta is None:
        prompt = output = thoughts = total = 0
    else:
        prompt = meta.prompt_token_count or 0
        output = meta.candidates_token_count or 0
        thoughts = meta.thoughts_token_count or 0
        total = meta.total_token_count or (prompt + output + thoughts)
    return Usage(
        prompt_tokens=prompt,
        output_tokens=output,
        thoughts_tokens=thoughts,
        total_tokens=total,
        estimated_cost_usd=estimate_cost_usd(
            model=model,
            image_size=image_size,
            input_images=input_images,
            prompt_tokens=prompt,
            output_tokens=output + thoughts,
            with_image=with_image,
        ),
    )


def _enum_name(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _extract_image(
    response: types.GenerateContentResponse, model: str
) -> tuple[bytes, str, str | None]:
    """(data, mime type, finish reason) of the answer's image, or the typed error."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        reason = _enum_name(feedback.block_reason)
        raise PipelineError(
            ErrorCode.CONTENT_BLOCKED,
            f"Gemini blocked the prompt ({reason})."
            + (f" {feedback.block_reason_message}" if feedback.block_reason_message else ""),
            details={"reason": reason, "stage": "prompt", "model": model},
        )
    candidates = response.candidates or []
    if not candidates:
        raise PipelineError(
            ErrorCode.NO_IMAGE,
            "Gemini answered without any candidate.",
            details={"model": model},
        )
    candidate = candidates[0]
    finish_reason = _enum_name(candidate.finish_reason)
    if finish_reason in BLOCKING_FINISH_REASONS:
        raise PipelineError(
            ErrorCode.CONTENT_BLOCKED,
            f"Gemini did not produce the image ({finish_reason})."
            + (f" {candidate.finish_message}" if candidate.finish_message else ""),
            details={"reason": finish_reason, "stage": "output", "model": model},
        )
    parts = candidate.content.parts if candidate.content and candidate.content.parts else []
    images = [
        part.inline_data
        for part in parts
        if not part.thought
        and part.inline_data is not None
        and part.inline_data.data
        and (part.inline_data.mime_type or "image/").startswith("image/")
    ]
    if not images:
        text = " ".join(p.text for p in parts if p.text and not p.thought).strip()
        raise PipelineError(
            ErrorCode.NO_IMAGE,
            "Gemini answered with text only, no image."
            + (f" It said: {text[:_TEXT_SNIPPET_CHARS]}" if text else ""),
            details={"finish_reason": finish_reason, "model": model, "text": text[:2000]},
        )
    image = images[-1]
    assert image.data is not None
    return image.data, image.mime_type or "application/octet-stream", finish_reason


def _inspect_image(data: bytes, declared_mime: str, model: str) -> tuple[int, int, str]:
    """(width, height, mime type) of a real image; `no_image` if it is not one."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            fmt = img.format or ""
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PipelineError(
            ErrorCode.NO_IMAGE,
            f"Gemini's image part ({declared_mime}) is not a readable image.",
            details={"model": model, "mime_type": declared_mime},
        ) from exc
    real_mime = _IMAGE_FORMAT_MIME.get(fmt) or Image.MIME.get(fmt) or declared_mime
    if real_mime != declared_mime:
        logger.warning("Gemini declared %s but sent %s", declared_mime, real_mime)
    return width, height, real_mime
