"""One identity image, end to end: prepare the references, build the prompt, call the model.

The jobs worker, the CLI and the benchmark all call `generate_identity_image`; it knows
nothing of Lambda, S3 or the CLI, only of bytes in and an image out.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from identity_images.engine.gemini import GeneratedImage
from identity_images.engine.options import validate_options
from identity_images.engine.prompt import build_prompt
from identity_images.engine.references import (
    PreparedReference,
    ReferenceRules,
    prepare_reference_cached,
)
from identity_images.errors import ErrorCode, PipelineError
from identity_images.generation_rules import MAX_IMAGES_PER_REQUEST as MAX_IMAGES_PER_REQUEST
from identity_images.generation_rules import check_identity_words, check_image_count

#: A refine's image to edit is an earlier output (a 4K PNG is ~30 MB): its own byte limit.
EDIT_IMAGE_MAX_BYTES = 128 * 1024 * 1024
#: ... and it is sent at least this large (long side, px), so the edit keeps its detail.
EDIT_IMAGE_MIN_LONG_SIDE = 2048

#: Called with the stage a generation enters (`generating` once the references are ready).
StageHook = Callable[[str], None]


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
    edit_image: ReferenceFile | None = None  # a refine: the image to edit, sent first
    instruction: str = ""  # a refine: what to change


@dataclass(frozen=True)
class GenerationResult:
    image: GeneratedImage
    references: tuple[PreparedReference, ...]  # the identity's references, not the edit image
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
    check_image_count(
        len(request.references), edit_image=request.edit_image is not None, field="references"
    )
    if request.edit_image is not None and not request.instruction.strip():
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            "An edit needs an instruction.",
            details={"field": "instruction"},
        )
    check_identity_words(request.identity_name, request.identity_description, fields=True)


def _prepare_all(
    references: Sequence[ReferenceFile], rules: ReferenceRules
) -> tuple[PreparedReference, ...]:
    """Prepare every reference; in parallel threads when there are several (Pillow releases
    the GIL while decoding, resizing and encoding), and not again when the process
    prepared the same bytes recently. Order is kept; the first failure wins."""

    def prepare(ref: ReferenceFile) -> PreparedReference:
        return prepare_reference_cached(ref.data, name=ref.name, rules=rules)

    workers = min(len(references), os.cpu_count() or 1)
    if workers <= 1:
        return tuple(prepare(ref) for ref in references)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prepare-ref") as pool:
        return tuple(pool.map(prepare, references))


def generate_identity_image(
    request: GenerationRequest,
    *,
    provider: ImageProvider,
    rules: ReferenceRules,
    on_stage: StageHook | None = None,
) -> GenerationResult:
    """Validate, prepare, prompt and generate. Raises `PipelineError` with a stable code;
    a bad request fails before any reference is decoded or the provider is called.
    `on_stage("generating")` is called once the references are ready."""
    _validate(request)
    started = time.perf_counter()
    prepared = _prepare_all(request.references, rules)
    sent = prepared
    if request.edit_image is not None:
        edit_rules = dataclasses.replace(
            rules,
            max_bytes=max(rules.max_bytes, EDIT_IMAGE_MAX_BYTES),
            max_long_side=max(rules.max_long_side, EDIT_IMAGE_MIN_LONG_SIDE),
        )
        edit = prepare_reference_cached(
            request.edit_image.data, name=request.edit_image.name, rules=edit_rules
        )
        sent = (edit, *prepared)
    prompt = build_prompt(
        identity_name=request.identity_name,
        identity_description=request.identity_description,
        extra_prompt=request.prompt,
        instruction=request.instruction if request.edit_image is not None else "",
    )
    prepared_at = time.perf_counter()
    if on_stage is not None:
        on_stage("generating")
    image = provider.generate(
        prompt=prompt,
        references=sent,
        aspect_ratio=request.aspect_ratio,
        image_size=request.image_size,
        model=request.model,
    )
    done = time.perf_counter()
    return GenerationResult(
        image=image,
        references=prepared,
        request_bytes=sum(len(ref.data) for ref in sent),
        prepare_s=prepared_at - started,
        provider_s=done - prepared_at,
    )
