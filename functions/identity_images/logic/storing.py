"""Storing what a try made: the output, its renditions beside it (a small one for
thumbnails, a preview, a large one for a screen) and the references as sent, each with what
`logic.outputs` needs to find it again.

Decisions:
- The output carries in its metadata what the job records of it (size, file name, model,
  usage), as the preview and each prepared reference carry their size, every object
  naming its job (`generation-id`): a later try, or the reaper, that finds this job's
  complete output records it and calls no Gemini (`logic.outputs`).
- The prepared references are kept under the job's durable prefix
  (`prepared/identities/{identity_id}/{job_id}/{index}.jpg`), so a re-run or a refine
  works after `uploads/` expired.
- Once the output is stored the job is never sent back to Gemini: a rendition or prepared
  reference that cannot be made or written is logged and left out (`small`, `preview` or
  `large` null, `prepared_references` empty), and the job succeeds with its output.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from identity_images.engine.generation import GenerationResult
from identity_images.engine.preview import Preview, make_renditions
from identity_images.logic.filenames import download_filename
from identity_images.logic.outputs import Made, size_metadata
from identity_images.models.jobs import Job, JobOutput, PreparedReferenceInfo, Rendition, utc_now
from identity_images.models.ports import ObjectStore
from identity_images.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutputWriter:
    """Writes what a try made to the bucket, under the keys `settings.bucket_layout` names."""

    storage: ObjectStore
    settings: Settings

    def store(
        self, job: Job, result: GenerationResult, keys: list[str], identity_name: str
    ) -> Made:
        """Everything the try made, stored: the output (with its renditions) and the
        references as sent (`keys` are their sources), with the usage and model the job
        records."""
        output = self._output(job, result, identity_name)
        prepared = self._prepared(job, result, keys)
        return output, result.image.usage, result.image.model, prepared

    def _output(self, job: Job, result: GenerationResult, identity_name: str) -> JobOutput:
        """The output, with what the job records of it in its metadata (`logic.outputs`
        reads it back when this try cannot record it)."""
        image = result.image
        key = self.settings.bucket_layout.output_key(job.identity_id, job.id, image.mime_type)
        about = {
            "generation-id": job.id,
            "identity-id": job.identity_id,
            "model": image.model,
            "source": job.source,
        }
        filename = download_filename(identity_name, utc_now(), image.mime_type, variant=job.variant)
        metadata = {
            **about,
            **size_metadata(image.width, image.height),
            "filename": filename,
            "usage": image.usage.model_dump_json(),
        }
        self.storage.write(key, image.data, content_type=image.mime_type, metadata=metadata)
        small, preview, large = self._renditions(job, image.data, about)
        return JobOutput(
            key=key,
            mime_type=image.mime_type,
            width=image.width,
            height=image.height,
            bytes=len(image.data),
            filename=filename,
            small=small,
            preview=preview,
            large=large,
        )

    def _renditions(
        self, job: Job, data: bytes, about: dict[str, str]
    ) -> tuple[Rendition | None, Rendition | None, Rendition | None]:
        """The output's small rendition, preview and large rendition, each None when it
        cannot be made or written. Best-effort: the output is already stored and paid for,
        and a job without them is complete (clients show the full image), so no fault here
        may send the job back to Gemini."""
        settings = self.settings
        try:
            small, preview, large = make_renditions(
                data,
                long_sides=(
                    settings.small_max_long_side,
                    settings.preview_max_long_side,
                    settings.large_max_long_side,
                ),
                fmt=settings.preview_format,
                quality=settings.preview_quality,
            )
        except Exception:
            logger.warning(
                "renditions not made; the job keeps its output without them",
                exc_info=True,
                extra={"job_id": job.id},
            )
            return None, None, None
        layout = settings.bucket_layout
        return (
            self._kept(
                job, small, layout.small_key(job.identity_id, job.id, small.mime_type), about
            ),
            self._kept(
                job, preview, layout.preview_key(job.identity_id, job.id, preview.mime_type), about
            ),
            self._kept(
                job, large, layout.large_key(job.identity_id, job.id, large.mime_type), about
            ),
        )

    def _kept(self, job: Job, made: Preview, key: str, about: dict[str, str]) -> Rendition | None:
        """`made` written under `key`, or None when it cannot be (logged)."""
        metadata = {**about, **size_metadata(made.width, made.height)}
        try:
            self.storage.write(key, made.data, content_type=made.mime_type, metadata=metadata)
        except Exception:
            logger.warning(
                "rendition not stored; the job keeps its output without it",
                exc_info=True,
                extra={"job_id": job.id, "key": key},
            )
            return None
        return Rendition(
            key=key,
            mime_type=made.mime_type,
            width=made.width,
            height=made.height,
            bytes=len(made.data),
        )

    def _prepared(
        self, job: Job, result: GenerationResult, keys: list[str]
    ) -> list[PreparedReferenceInfo]:
        """The references as sent, or none when they cannot be written. Best-effort, as
        the preview: they come after the paid-for output, and a job without them is
        complete (a re-run or refine falls back to its original references)."""
        try:
            return self._write_prepared(job, result, keys)
        except Exception:
            logger.warning(
                "prepared references not kept; the job keeps its output without them",
                exc_info=True,
                extra={"job_id": job.id},
            )
            return []

    def _write_prepared(
        self, job: Job, result: GenerationResult, keys: list[str]
    ) -> list[PreparedReferenceInfo]:
        """The references as sent (small JPEGs), kept under the job's durable prefix."""
        kept: list[PreparedReferenceInfo] = []
        for index, (ref, source) in enumerate(zip(result.references, keys, strict=True)):
            key = self.settings.bucket_layout.prepared_reference_key(job.identity_id, job.id, index)
            self.storage.write(
                key,
                ref.data,
                content_type=ref.mime_type,
                metadata={
                    "generation-id": job.id,
                    "index": str(index),
                    **size_metadata(ref.width, ref.height),
                },
            )
            kept.append(
                PreparedReferenceInfo(
                    index=index,
                    key=key,
                    source_key=source,
                    mime_type=ref.mime_type,
                    width=ref.width,
                    height=ref.height,
                    bytes=len(ref.data),
                )
            )
        return kept
