"""What a claimed try of a job does: read the identity and the references, call Gemini,
store what it made. Knows nothing of claims, retries or messages (`logic.generation_run`).

Decisions:
- The identity is read from the host first: the API refused an unnamed identity (or one
  whose words hide something), but the host may have changed them since, and the engine
  would refuse them all the same.
- A job from the API sends the references it names (`reference_keys`); the error of one
  that cannot be read or prepared names it by key and index. A refine also sends the
  image to edit, the parent's output.
- A regeneration job reads the identity's folder now (`logic.reference_folder`): newest
  first, up to `upload_max_files` usable ones, skipping one that is gone or that
  preparation refuses; the keys used are recorded on the job.
- The stages it enters are reported (`preparing_references`, the engine's `generating`,
  `storing`) for the job to record.
- What Gemini made but could not be stored was still billed: the storing's fault is raised
  as a `BilledError` with that call's usage, which the job counts with its next try's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

from identity_images.domain import HostDirectory
from identity_images.engine.generation import (
    EDIT_IMAGE_MAX_BYTES,
    GenerationRequest,
    GenerationResult,
    ReferenceFile,
    StageHook,
)
from identity_images.errors import ErrorCode, PipelineError, unexpected
from identity_images.generation_rules import check_identity_words
from identity_images.logic.outputs import Made
from identity_images.logic.reference_folder import usable_references
from identity_images.logic.storing import OutputWriter
from identity_images.models.jobs import BilledError, Job
from identity_images.models.ports import JobStore, ObjectInfo, ObjectStore
from identity_images.settings import Settings

logger = logging.getLogger(__name__)

#: A regeneration job skips a reference that fails with these (gone, or not an image).
SKIPPABLE = frozenset({ErrorCode.REFERENCE_NOT_FOUND, ErrorCode.REFERENCE_INVALID})


class Generate(Protocol):
    """`engine.generation.generate_identity_image` with its provider and rules bound."""

    def __call__(
        self, request: GenerationRequest, /, *, on_stage: StageHook | None = None
    ) -> GenerationResult: ...


def about_reference(error: PipelineError, key: str, index: int) -> PipelineError:
    """The same error, naming the reference by its full key and its index in
    `reference_keys` (every upload batch names its files `1.jpg`, `2.jpg`…)."""
    details = {**error.details, "field": "reference_keys", "key": key, "index": index}
    return PipelineError(error.code, error.message, retryable=error.retryable, details=details)


@dataclass(frozen=True)
class ImageMaker:
    """Makes a job's image and stores it: the host for the identity, the bucket for the
    references and what is made, the jobs table for a regeneration's chosen keys."""

    store: JobStore
    storage: ObjectStore
    host: HostDirectory
    generate: Generate
    settings: Settings

    def make(self, job: Job, enter: StageHook) -> Made:
        """The job's output, usage, model and prepared references, stored; `enter(stage)`
        is told each stage as it starts. Raises `PipelineError`."""
        enter("preparing_references")
        identity = self.host.get_identity(job.identity_id)
        # The API refused an identity's words it cannot use; the host may have changed them since.
        # Before any photo is read: the engine would refuse it all the same.
        check_identity_words(identity.name, identity.description, identity_id=identity.id)

        def request(
            references: list[ReferenceFile], edit: ReferenceFile | None = None
        ) -> GenerationRequest:
            return GenerationRequest(
                identity_name=identity.name,
                identity_description=identity.description,
                prompt=job.prompt,
                references=references,
                aspect_ratio=job.aspect_ratio,
                image_size=job.image_size,
                model=job.model,
                edit_image=edit,
                instruction=job.instruction or "",
            )

        if job.source == "s3_event":
            result = self._generate_from_folder(job, request, enter)
            keys = [ref.name for ref in result.references]
        else:
            keys = list(job.reference_keys)
            references = [
                ReferenceFile(name=key, data=self._read_reference(key, index))
                for index, key in enumerate(keys)
            ]
            edit = self._read_edit_image(job) if job.edit_source_key else None
            try:
                result = self.generate(request(references, edit), on_stage=enter)
            except PipelineError as error:
                bad = error.details.get("file")
                if bad in keys:
                    raise about_reference(error, bad, keys.index(bad)) from error
                raise
        enter("storing")
        writer = OutputWriter(storage=self.storage, settings=self.settings)
        try:
            return writer.store(job, result, keys, identity.name)
        except Exception as fault:
            # Gemini answered, and billed: what it cost goes with the failure, for the job
            # to count with its next try's.
            failure = (
                fault
                if isinstance(fault, PipelineError)
                else unexpected(fault, job_id=job.id, doing="storing a job's output")
            )
            raise BilledError(failure, result.image.usage) from fault

    def _read_reference(self, key: str, index: int) -> bytes:
        try:
            return self.storage.read(key, max_bytes=self.settings.reference_max_bytes)
        except PipelineError as error:
            raise about_reference(error, key, index) from error

    def _read_edit_image(self, job: Job) -> ReferenceFile:
        """A refine's image to edit: the parent's output."""
        key = job.edit_source_key
        assert key is not None
        try:
            data = self.storage.read(key, max_bytes=EDIT_IMAGE_MAX_BYTES)
        except PipelineError as error:
            raise PipelineError(
                error.code,
                f"The image to edit ({key!r}, generation {job.parent_generation_id!r}) "
                "cannot be read.",
                retryable=error.retryable,
                details={**error.details, "field": "edit_source_key", "key": key},
            ) from error
        return ReferenceFile(name=key, data=data)

    def _generate_from_folder(
        self,
        job: Job,
        request: Callable[[list[ReferenceFile]], GenerationRequest],
        on_stage: StageHook,
    ) -> GenerationResult:
        """A regeneration job's references are read now: the identity's folder, newest
        first, up to `upload_max_files` usable ones. A file that is gone or that
        preparation refuses is skipped for the next one (preparation fails before Gemini
        is called); `reference_invalid` only if none is left. The keys used are recorded
        on the job."""
        skipped: list[str] = []
        readable = self._readable(
            usable_references(self.storage, job.identity_id, self.settings), skipped
        )
        chosen = list(islice(readable, self.settings.upload_max_files))
        while chosen:
            try:
                result = self.generate(request(chosen), on_stage=on_stage)
            except PipelineError as error:
                bad = error.details.get("file")
                if error.code not in SKIPPABLE or bad not in {ref.name for ref in chosen}:
                    raise
                logger.info("reference skipped", extra={"job_id": job.id, "key": bad})
                skipped.append(bad)
                chosen = [ref for ref in chosen if ref.name != bad] + list(islice(readable, 1))
            else:
                self.store.set_reference_keys(job, [ref.name for ref in chosen])
                return result
        folder = self.settings.bucket_layout.reference_folder(job.identity_id)
        raise PipelineError(
            ErrorCode.REFERENCE_INVALID,
            f"No usable reference photo under {folder!r}.",
            details={"folder": folder, "skipped": skipped},
        )

    def _readable(
        self, candidates: Iterable[ObjectInfo], skipped: list[str]
    ) -> Iterator[ReferenceFile]:
        """The candidates' bytes, in order; one that is gone or too large is skipped (its
        key added to `skipped`)."""
        for info in candidates:
            try:
                data = self.storage.read(info.key, max_bytes=self.settings.reference_max_bytes)
            except PipelineError as error:
                if error.code not in SKIPPABLE:
                    raise
                skipped.append(info.key)
            else:
                yield ReferenceFile(name=info.key, data=data)
