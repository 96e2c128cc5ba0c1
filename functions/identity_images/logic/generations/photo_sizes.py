"""Each photo's size as the admin added it (`Job.reference_bytes`), recorded with a new
generation. The tab shows it under the photo's tile: from the chosen file when the photo is
added, from the generation when Edit settings brings the photo back. Both must be the same
number, or the admin takes one photo for two.

An upload is the file byte for byte (the page sends it as it is, or made smaller to fit,
and then shows the smaller one's size): its size is its object's. A photo an earlier
generation kept is sent as its kept copy, a JPEG the worker prepared from the photo, which
weighs something else (62 KB for a 67 KB photo): it stands for the photo it was made from,
so it has the size that generation recorded for it, and keeps it from generation to
generation. Only where none was recorded (a folder's photos, a generation from before sizes
were kept) is it the copy's own, the number the tab shows for it then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from identity_images.models.jobs import Job


def recorded_sizes(job: Job) -> list[int] | None:
    """The sizes `job` recorded, one per reference key; None when it has none to give."""
    sizes = job.reference_bytes
    return sizes if sizes and len(sizes) == len(job.reference_keys) else None


def size_kept_by(job: Job | None, key: str) -> int | None:
    """The size `job` recorded for the photo it kept as `key`; None when it recorded none."""
    sizes = None if job is None else recorded_sizes(job)
    if job is None or sizes is None:
        return None
    index = next((ref.index for ref in job.prepared_references if ref.key == key), None)
    return None if index is None else sizes[index]


def sizes_of(
    keys: Sequence[str],
    stored: Sequence[int],
    *,
    kept_by: Callable[[str], tuple[str, str] | None],
    job_of: Callable[[str], Job | None],
) -> list[int]:
    """The sizes of a new generation's photos, `keys`, whose objects are `stored` bytes
    (their HEAD): an upload's own; a kept copy's (`kept_by` names the identity and job that
    kept it) as the job that kept it recorded it, else its own."""
    jobs: dict[str, Job | None] = {}
    sizes: list[int] = []
    for key, size in zip(keys, stored, strict=True):
        kept = kept_by(key)
        if kept is not None:
            job_id = kept[1]
            if job_id not in jobs:
                jobs[job_id] = job_of(job_id)
            recorded = size_kept_by(jobs[job_id], key)
            size = size if recorded is None else recorded
        sizes.append(size)
    return sizes
