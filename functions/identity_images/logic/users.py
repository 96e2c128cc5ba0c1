"""The Images tab's user selector and a user's identities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from identity_images.domain import Caller, HostDirectory, HostIdentity, HostUser
from identity_images.logic.access import resolve_user
from identity_images.models.api import ListedIdentity, SizedImage
from identity_images.models.jobs import Rendition
from identity_images.models.ports import JobStore, ObjectStore
from identity_images.settings import Settings


def list_users(caller: Caller, host: HostDirectory) -> list[HostUser]:
    """The caller first, then the test users."""
    me = host.get_user(caller.user_id)
    return [me, *(u for u in host.list_test_users() if u.id != me.id)]


def list_identities(
    user_id: str,
    caller: Caller,
    host: HostDirectory,
    *,
    jobs: JobStore,
    storage: ObjectStore,
    settings: Settings,
) -> list[ListedIdentity]:
    """A user's identities, each with an `image_url` the browser can show: a short-lived
    URL when the image is in the pipeline's bucket, the host's own URL otherwise (when
    it is an absolute http(s) URL: a relative one names the host's origin, which the
    browser on the tab's origin does not know); and, when the image is a job's output,
    the renditions that job stored."""
    user = resolve_user(user_id, caller, host)
    identities = host.list_identities(user.id)
    stored = stored_renditions([i.image_path for i in identities], jobs, settings)
    return [
        identity_with_image_url(
            i, storage, settings, renditions=stored.get(i.image_path) if i.image_path else None
        )
        for i in identities
    ]


@dataclass(frozen=True)
class StoredRenditions:
    """What the job that made an identity's image stored beside it."""

    preview_key: str
    #: The renditions its record names, with their sizes, smallest first; none when the
    #: record expired (what it stored is then not known, only today's preview key).
    sized: tuple[Rendition, ...] = ()


def stored_renditions(
    image_paths: Iterable[str | None], jobs: JobStore, settings: Settings
) -> dict[str, StoredRenditions]:
    """Image path -> its renditions, for the paths that are a job's output. The keys the
    job's record stored: an image made before a change of `PREVIEW_FORMAT` keeps its own;
    none when the job stored no preview or made another output. A job whose record
    expired (`JOB_TTL_DAYS`; its output is kept) gets the preview key today's
    `PREVIEW_FORMAT` names: right unless the format changed since (then a 404, and the
    tab shows the image itself), where no key would load every such identity's full
    image. One batch read of the jobs, whatever the number of paths."""
    layout = settings.bucket_layout
    made_by = {path: found for path in image_paths if path and (found := layout.output_of(path))}
    if not made_by:
        return {}
    outputs = jobs.outputs({job_id for _, job_id in made_by.values()})
    stored: dict[str, StoredRenditions] = {}
    for path, (identity_id, job_id) in made_by.items():
        output = outputs.get(job_id)
        if output is None:
            key = layout.preview_key(identity_id, job_id, settings.preview_type)
            stored[path] = StoredRenditions(preview_key=key)
        elif output.key == path and output.preview is not None:
            sized = tuple(r for r in (output.small, output.preview, output.large) if r)
            stored[path] = StoredRenditions(preview_key=output.preview.key, sized=sized)
    return stored


def identity_with_image_url(
    identity: HostIdentity,
    storage: ObjectStore,
    settings: Settings,
    *,
    renditions: StoredRenditions | None = None,
) -> ListedIdentity:
    """The identity with short-lived URLs of its image and of its `renditions` (from
    `stored_renditions`) when the image is in the pipeline's bucket."""
    path = identity.image_path
    layout = settings.bucket_layout
    ours = (layout.generated, layout.references)
    listed = ListedIdentity(**identity.model_dump())
    if path and path.startswith(ours) and ".." not in path.split("/"):
        expiry = settings.output_url_expiry_s
        update: dict[str, object] = {"image_url": storage.presigned_get(path, expires_in=expiry)}
        if renditions is not None:
            url = partial(storage.presigned_get, expires_in=expiry)
            update["image_preview_url"] = url(renditions.preview_key)
            update["image_renditions"] = [
                SizedImage(url=url(r.key), width=r.width, height=r.height) for r in renditions.sized
            ]
        return listed.model_copy(update=update)
    if identity.image_url is not None and not _browser_url(identity.image_url):
        return listed.model_copy(update={"image_url": None})
    return listed


def _browser_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
