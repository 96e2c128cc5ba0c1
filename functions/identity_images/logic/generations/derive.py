"""New generations from an existing one: refine its image with an instruction, or run it
again with the same settings and references, also after its uploads expired."""

from __future__ import annotations

from identity_images.domain import Caller, HostIdentity
from identity_images.errors import ErrorCode, PipelineError
from identity_images.generation_rules import (
    check_identity_words,
    check_image_count,
    check_image_size,
    check_words,
)
from identity_images.logic.access import authorize_generation_change
from identity_images.logic.generations.bundle import Generations
from identity_images.logic.generations.new_jobs import batch_once, check_count, enqueue, new_jobs
from identity_images.logic.generations.photo_sizes import recorded_sizes
from identity_images.models.api import GenerationBatch, RefineRequest, RerunRequest
from identity_images.models.jobs import Job, JobKind
from identity_images.models.ports import ObjectStore


def _parent_references(parent: Job, storage: ObjectStore) -> tuple[list[str], list[str]]:
    """What a re-run or refine sends, with the photos' file names (when the parent has
    them): the parent's prepared references (kept with the job), else its original
    references while they are still there."""
    names = parent.reference_names
    if parent.prepared_references:
        kept = sorted(parent.prepared_references, key=lambda ref: ref.index)
        named = len(names) == len(parent.reference_keys)
        return [ref.key for ref in kept], [names[ref.index] for ref in kept] if named else []
    missing = [
        key for key in parent.reference_keys if storage.head(key, denied_is_missing=True) is None
    ]
    if not parent.reference_keys or missing:
        index = parent.reference_keys.index(missing[0]) if missing else None
        raise PipelineError(
            ErrorCode.REFERENCE_NOT_FOUND,
            f"Generation {parent.id!r} kept no prepared references and its uploads are gone.",
            details={
                "generation_id": parent.id,
                "key": missing[0] if missing else None,
                "index": index,
            },
        )
    return list(parent.reference_keys), list(names)


def _parent_sizes(parent: Job) -> list[int]:
    """The sizes of the photos a re-run or refine sends (see `photo_sizes`), in the order of
    `_parent_references`: the parent's, each kept copy with its photo's (the copy's own when
    the parent recorded none)."""
    recorded = recorded_sizes(parent)
    if parent.prepared_references:
        kept = sorted(parent.prepared_references, key=lambda ref: ref.index)
        return [ref.bytes if recorded is None else recorded[ref.index] for ref in kept]
    return list(parent.reference_bytes)


def _check_words_sent_again(parent: Job, instruction: str | None) -> None:
    """A re-run or refine sends the parent's prompt again (a re-run of a refinement its
    instruction too). One recorded before prompts were held to the text rule may hold a
    character that could hide what it says: refused as a new prompt holding it would be
    (422 `character_not_allowed`), not sent to Gemini again."""
    for what, words in (("prompt", parent.prompt), ("instruction", instruction or "")):
        check_words(
            words,
            lines=True,
            what=f"Generation {parent.id!r}'s {what}",
            where="from a new generation (Edit settings)",
            details={"generation_id": parent.id},
        )


def _derived_jobs(
    parent: Job,
    identity: HostIdentity,
    caller: Caller,
    g: Generations,
    *,
    kind: JobKind,
    count: int,
    apply: bool,
    instruction: str | None,
    edit_source_key: str | None,
) -> list[Job]:
    """New jobs from `parent`, of its identity as it is now (`identity`, authorized by
    `authorize_generation_change`): they record the identity's current owner, not the
    parent's, so they are visible exactly to those who may act on the identity now.
    What the worker would refuse is refused here, before a job is written: an identity
    that lost its name (or whose words came to hide something), more images than the
    model takes (a refine adds one), a size the model now configured does not make."""
    check_count(count, g.settings)
    check_image_size(g.settings.gemini_model, parent.image_size)
    check_identity_words(identity.name, identity.description, identity_id=identity.id)
    _check_words_sent_again(parent, instruction)
    references, names = _parent_references(parent, g.storage)
    check_image_count(len(references), edit_image=edit_source_key is not None)
    jobs = new_jobs(
        count,
        g.settings,
        batch=True,
        kind=kind,
        identity_id=parent.identity_id,
        identity_name=identity.name,
        user_id=identity.user_id,
        created_by=caller.user_id,
        reference_keys=references,
        reference_names=names,
        reference_bytes=_parent_sizes(parent),
        prompt=parent.prompt,
        aspect_ratio=parent.aspect_ratio,
        image_size=parent.image_size,
        apply=apply,
        parent_generation_id=parent.id,
        instruction=instruction,
        edit_source_key=edit_source_key,
    )
    enqueue(jobs, store=g.store, queue=g.queue)
    return jobs


def refine_generation(
    generation_id: str,
    request: RefineRequest,
    caller: Caller,
    g: Generations,
    *,
    idempotency_key: str | None = None,
) -> GenerationBatch:
    """New generations that edit a succeeded parent's image with `instruction`, sending
    the parent's output and its references; `parent_generation_id` records the lineage."""

    def create() -> list[Job]:
        parent = g.store.require(generation_id)
        identity = authorize_generation_change(caller, parent, g.host)
        if parent.status != "succeeded" or parent.output is None:
            raise PipelineError(
                ErrorCode.GENERATION_NOT_READY,
                f"Generation {generation_id!r} is {parent.status}; only a succeeded one "
                "can be refined.",
                details={"generation_id": generation_id, "status": parent.status},
            )
        limit = g.settings.prompt_max_chars
        if len(request.instruction) > limit:
            raise PipelineError(
                ErrorCode.VALIDATION_ERROR,
                f"The instruction is {len(request.instruction)} characters; the limit is {limit}.",
                details={"field": "instruction", "max_chars": limit},
            )
        return _derived_jobs(
            parent,
            identity,
            caller,
            g,
            kind="refine",
            count=request.count,
            apply=request.apply,
            instruction=request.instruction,
            edit_source_key=parent.output.key,
        )

    return batch_once(
        g,
        "refine_generation",
        create,
        key=f"{caller.user_id}:{generation_id}:{idempotency_key}",
        idempotency_key=idempotency_key,
        body=request.model_dump(mode="json"),
    )


def rerun_generation(
    generation_id: str,
    request: RerunRequest,
    caller: Caller,
    g: Generations,
    *,
    idempotency_key: str | None = None,
) -> GenerationBatch:
    """A finished generation (succeeded, failed or canceled) again, with the same settings
    and references (its prepared ones when kept), also after its uploads expired."""

    def create() -> list[Job]:
        parent = g.store.require(generation_id)
        identity = authorize_generation_change(caller, parent, g.host)
        if not parent.is_terminal:
            raise PipelineError(
                ErrorCode.GENERATION_NOT_FINISHED,
                f"Generation {generation_id!r} is {parent.status}; re-run it when it is done.",
                details={"generation_id": generation_id, "status": parent.status},
            )
        return _derived_jobs(
            parent,
            identity,
            caller,
            g,
            kind="rerun",
            count=request.count,
            apply=request.apply,
            instruction=parent.instruction,
            edit_source_key=parent.edit_source_key,
        )

    return batch_once(
        g,
        "rerun_generation",
        create,
        key=f"{caller.user_id}:{generation_id}:{idempotency_key}",
        idempotency_key=idempotency_key,
        body=request.model_dump(mode="json"),
    )
