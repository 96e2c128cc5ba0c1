"""What a try of a job stored in the bucket, found again by whoever ends the job later.

A try stores the output with what the job records of it in the object's metadata
(`logic.storing`: its size, file name, model and usage), then its renditions and each
prepared reference with their size, every object naming its job (`generation-id`). When
that try cannot record them (its `succeeded` write fails, or it is stopped after storing:
a timeout, out of memory while making the renditions), a later look finds them by key and
metadata, and the job is recorded `succeeded` with them:

- the worker's next try of a job tried before (`attempts` > 1), before calling Gemini;
- the worker, when a job's last try never ended and its message comes back;
- the reaper, before it ends a job out of tries `worker_gave_up` (its message was
  dead-lettered or lost, so the worker will not see it again).

So Gemini is paid once per job, and an output it was paid for is never thrown away.
No Pillow and no Gemini here: the reaper, whose layer has neither, uses it too.
"""

from __future__ import annotations

import logging

from botocore.exceptions import BotoCoreError, ClientError

from identity_images.media_types import EXTENSIONS_BY_TYPE
from identity_images.models.jobs import (
    Job,
    JobOutput,
    JobUsage,
    PreparedReferenceInfo,
    Rendition,
)
from identity_images.models.ports import ObjectInfo, ObjectStore
from identity_images.settings import Settings

logger = logging.getLogger(__name__)

#: What a run of a job makes: the output, the usage, the model and the prepared references.
Made = tuple[JobOutput, JobUsage, str, list[PreparedReferenceInfo]]

#: What a look in the bucket meets when S3 does not answer it: a refusal (`ClientError`:
#: a 403, a 500; `head` answers a 404 itself, None) or no answer at all (`BotoCoreError`:
#: a timeout, no connection, no credentials). Whoever must not read a fault as "nothing
#: stored" catches these and no more: any other exception is a bug in the look.
BUCKET_FAULTS = (ClientError, BotoCoreError)

#: Every type an output can be stored as (its key's extension), the likely ones first; a
#: type the pipeline does not name is stored as `.bin`.
OUTPUT_TYPES = (*EXTENSIONS_BY_TYPE, "application/octet-stream")


def size_metadata(width: int, height: int) -> dict[str, str]:
    """An image's size, as the metadata of the object that holds it."""
    return {"width": str(width), "height": str(height)}


def _size_of(info: ObjectInfo | None) -> tuple[int, int] | None:
    """The size `size_metadata` put on an object; None for an object without one (or none)."""
    if info is None:
        return None
    width, height = info.metadata.get("width", ""), info.metadata.get("height", "")
    return (int(width), int(height)) if width.isdigit() and height.isdigit() else None


def find_stored(job: Job, *, storage: ObjectStore, settings: Settings) -> Made | None:
    """What a try of `job` stored but did not record: its output, found by key and by its
    metadata, with its renditions and prepared references when they are there too. None when
    there is no complete output of this job's. A fault of the bucket (`BUCKET_FAULTS`, a
    403 included) is raised, never read as "nothing stored": the caller would pay Gemini
    again, or end the job without its output."""
    layout = settings.bucket_layout
    keys = dict.fromkeys(layout.output_key(job.identity_id, job.id, t) for t in OUTPUT_TYPES)
    info = next(filter(None, (_head_of(storage, job, key) for key in keys)), None)
    size = _size_of(info)
    if info is None or size is None:
        return None
    try:
        usage = JobUsage.model_validate_json(info.metadata["usage"])
        filename, model = info.metadata["filename"], info.metadata["model"]
    except (KeyError, ValueError):  # stored before outputs carried all this
        return None
    output = JobOutput(
        key=info.key,
        mime_type=info.content_type,
        width=size[0],
        height=size[1],
        bytes=info.size,
        filename=filename,
        small=_stored_rendition(
            job, storage, layout.small_key(job.identity_id, job.id, settings.preview_type)
        ),
        preview=_stored_rendition(
            job, storage, layout.preview_key(job.identity_id, job.id, settings.preview_type)
        ),
        large=_stored_rendition(
            job, storage, layout.large_key(job.identity_id, job.id, settings.preview_type)
        ),
    )
    logger.info(
        "an earlier try stored the output: recorded, Gemini not called again",
        extra={"job_id": job.id, "key": info.key},
    )
    return output, usage, model, _stored_prepared(job, storage, settings)


def _stored_rendition(job: Job, storage: ObjectStore, key: str) -> Rendition | None:
    info = _head_of(storage, job, key)
    size = _size_of(info)
    if info is None or size is None:
        return None
    return Rendition(
        key=key, mime_type=info.content_type, width=size[0], height=size[1], bytes=info.size
    )


def _stored_prepared(
    job: Job, storage: ObjectStore, settings: Settings
) -> list[PreparedReferenceInfo]:
    """All of the job's prepared references, or none (a job keeps all or none of them)."""
    kept: list[PreparedReferenceInfo] = []
    for index, source in enumerate(job.reference_keys):
        key = settings.bucket_layout.prepared_reference_key(job.identity_id, job.id, index)
        info = _head_of(storage, job, key)
        size = _size_of(info)
        if info is None or size is None:
            return []
        kept.append(
            PreparedReferenceInfo(
                index=index,
                key=key,
                source_key=source,
                mime_type=info.content_type,
                width=size[0],
                height=size[1],
                bytes=info.size,
            )
        )
    return kept


def _head_of(storage: ObjectStore, job: Job, key: str) -> ObjectInfo | None:
    """The object at `key` if this job wrote it. A 403 is raised, not read as "not there"
    (whoever looks may list `generated/` and `prepared/`)."""
    info = storage.head(key)
    return info if info is not None and info.metadata.get("generation-id") == job.id else None
