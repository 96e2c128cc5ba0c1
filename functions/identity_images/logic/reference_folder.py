"""An identity's reference folder, `{root}references/identities/{identity_id}/`, and what a
usable reference in it is: the one rule the trigger, the worker and the API's reference
routes (`logic.references`) share. Knows nothing of Lambda or of the API's models, and
imports neither google-genai nor Pillow (the trigger imports it).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from identity_images.bucket_layout import BucketLayout
from identity_images.media_types import ACCEPTED_TYPES, GENERIC_TYPES, IMAGE_EXTENSIONS, normalize
from identity_images.models.ports import ListedObject, ObjectInfo, ObjectStore
from identity_images.settings import Settings


def folder_references(
    storage: ObjectStore, layout: BucketLayout, identity_id: str
) -> list[ListedObject]:
    """The identity's references by the one rule (`BucketLayout.identity_of`: directly
    in the folder, a name `REFERENCE_ID_PATTERN` allows), newest first; ties: key
    descending. The trigger, the worker, the listing and the delete all use that rule."""
    return sorted(
        (
            o
            for o in storage.list(layout.reference_folder(identity_id))
            if layout.identity_of(o.key) == identity_id
        ),
        key=lambda o: (o.last_modified, o.key),
        reverse=True,
    )


def reference_id_of(key: str) -> str:
    """A key's file name without its extension: `…/{reference_id}.{ext}`."""
    return posixpath.splitext(posixpath.basename(key))[0]


def is_image(key: str, content_type: str | None) -> bool:
    """A declared image type decides; a generic or missing one leaves it to the extension."""
    declared = normalize(content_type)
    if declared not in GENERIC_TYPES:
        return declared in ACCEPTED_TYPES
    return posixpath.splitext(key)[1].lstrip(".").lower() in IMAGE_EXTENSIONS


def is_usable(info: ObjectInfo, settings: Settings) -> bool:
    """Worth sending to preparation: not empty, not too large, an image."""
    return 0 < info.size <= settings.reference_max_bytes and is_image(info.key, info.content_type)


def usable_references(
    storage: ObjectStore, identity_id: str, settings: Settings
) -> Iterator[ObjectInfo]:
    """The folder's usable references, newest first (ties: key descending). Objects are
    HEADed lazily (for their content type), so taking the first few reads only those."""
    for item in folder_references(storage, settings.bucket_layout, identity_id):
        if item.size <= 0 or item.size > settings.reference_max_bytes:
            continue
        info = storage.head(item.key)
        if info is not None and is_usable(info, settings):
            yield info
