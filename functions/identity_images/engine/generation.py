"""One identity image, end to end: prepare the references, build the prompt, call the model.

The jobs worker, the CLI and the benchmark all call `generate_identity_image`; it knows
nothing of Lambda, S3 or the CLI, only of bytes in and an image out.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from identity_images.engine.gemini import GeneratedImage
from identity_images.engine.options import validate_options
from identity_images.engine.prompt import build_prompt
from identity_images.engine.references import PreparedReference, ReferenceRules, prepare_reference
from identity_images.errors import ErrorCode, PipelineError

# The image model takes at most 14 reference images in one request.
MAX_REFERENCES = 14


@dataclass(frozen=True)
class ReferenceFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class GenerationRequest:
    identity_name: str
    identity_description: str
    prompt: str
    references: Sequence[ReferenceFile]
    aspect_ratio: str
    image_size: str
    model: str | None = None


@dataclass(frozen=True)
class GenerationResult:
    image: GeneratedImage
    references: tuple[PreparedReference, ...]
    request_bytes: int  # the prepared references' bytes, what was sent besides the prompt
    prepare_s: float
    provider_s: float


class ImageProvider(Protocol):
    def generate(
        self,
        *,
        prompt: str,
        references: Sequence[PreparedReference],
        aspect_ratio: str,
        image_size: str,
        model: str | None = None,
    ) -> GeneratedImage: ...


def _validate(request: GenerationRequest) -> None:
    validate_options(request.aspect_ratio, request.image_size)
    if not request.references:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            "At least one reference image is needed.",
            details={"field": "references"},
        )
    if len(request.references) > MAX_REFERENCES:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"At most {MAX_REFERENCES} reference images can be sent; "
            f"got {len(request.references)}.",
            details={"field": "references", "max": MAX_REFERENCES},
        )
    if not request.identity_name.strip():
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            "The identity needs a name.",
            details={"field": "identity_name"},
        )


def _prepare_all(
    references: Sequence[ReferenceFile], rules: ReferenceRules
) -> tuple[PreparedReference, ...]:
    """Prepare every reference; in parallel threads when there are several (Pillow releases
    the GIL while decoding, resizing and encoding). Order is kept; the first failure wins."""

    def prepare(ref: ReferenceFile) -> PreparedReference:
        return prepare_reference(ref.data, name=ref.name, rules=rules)

    workers = min(len(references), os.cpu_count() or 1)
    if workers <= 1:
        return tuple(prepare(ref) for ref in references)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prepare-ref") as pool:
        return tuple(pool.map(prepare, references))


def generate_identity_image(
    request: GenerationRequest, *, provider: ImageProvider, rules: ReferenceRules
) -> GenerationResult:
    """Validate, prepare, prompt and generate. Raises `PipelineError` with a stable code;
    a bad request fails before any reference is decoded or the provider is called."""
    _validate(request)
    started = time.perf_counter()
    prepared = _prepare_all(request.references, rules)
    prompt = build_prompt(
        identity_name=request.identity_name,
        identity_description=request.identity_description,
        extra_prompt=request.prompt,
    )
    prepared_at = time.perf_counter()
    image = provider.generate(
        prompt=prompt,
        references=prepared,
        aspect_ratio=request.aspect_ratio,
        image_size=request.image_size,
        model=request.model,
    )
    done = time.perf_counter()
    return GenerationResult(
        image=image,
        references=prepared,
        request_bytes=sum(len(ref.data) for ref in prepared),
        prepare_s=prepared_at - started,
        provider_s=done - prepared_at,
    )
