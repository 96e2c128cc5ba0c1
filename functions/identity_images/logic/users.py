"""The Images tab's user selector and a user's identities."""

from __future__ import annotations

from urllib.parse import urlsplit

from identity_images.domain import Caller, HostDirectory, HostIdentity, HostUser
from identity_images.logic.access import resolve_user
from identity_images.models.api import ListedIdentity
from identity_images.models.ports import ObjectStore
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
    storage: ObjectStore,
    settings: Settings,
) -> list[ListedIdentity]:
    """A user's identities, each with an `image_url` the browser can show: a short-lived
    URL when the image is in the pipeline's bucket, the host's own URL otherwise (when
    it is an absolute http(s) URL: a relative one names the host's origin, which the
    browser on the tab's origin does not know)."""
    user = resolve_user(user_id, caller, host)
    return [identity_with_image_url(i, storage, settings) for i in host.list_identities(user.id)]


def identity_with_image_url(
    identity: HostIdentity, storage: ObjectStore, settings: Settings
) -> ListedIdentity:
    path = identity.image_path
    layout = settings.bucket_layout
    ours = (layout.generated, layout.references)
    listed = ListedIdentity(**identity.model_dump())
    if path and path.startswith(ours) and ".." not in path.split("/"):
        expiry = settings.output_url_expiry_s
        update = {"image_url": storage.presigned_get(path, expires_in=expiry)}
        output = layout.output_of(path)
        if output is not None:
            preview = layout.preview_key(*output, f"image/{settings.preview_format}")
            update["image_preview_url"] = storage.presigned_get(preview, expires_in=expiry)
        return listed.model_copy(update=update)
    if identity.image_url is not None and not _browser_url(identity.image_url):
        return listed.model_copy(update={"image_url": None})
    return listed


def _browser_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
