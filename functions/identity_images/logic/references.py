"""The API's reference routes on an identity's folder,
`{root}references/identities/{identity_id}/`: presigned POSTs into it, a listing, removing
one photo. What a reference is (the rule the trigger and the worker share with these) is
`logic.reference_folder`; this module holds only the API's side, so the trigger, which
never answers an API request, does not load the API's request and response models.
Knows nothing of Lambda and imports neither google-genai nor Pillow.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from identity_images.adapters.opaque_cursor import decode_fields, encode_fields, invalid_cursor
from identity_images.bucket_layout import REFERENCE_ID_PATTERN as REFERENCE_ID_PATTERN
from identity_images.bucket_layout import BucketLayout
from identity_images.domain import Caller, HostDirectory
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.access import authorize_identity
from identity_images.logic.reference_folder import folder_references, reference_id_of
from identity_images.logic.uploads import check_upload_files, presign_upload
from identity_images.models.api import (
    CreateReferencesResponse,
    CreateUploadsRequest,
    PresignedReference,
    ReferenceList,
    StoredReference,
)
from identity_images.models.jobs import TIMESTAMP_FORMAT, format_timestamp, utc_now
from identity_images.models.ports import ListedObject, ObjectStore
from identity_images.settings import Settings


def create_reference_uploads(
    identity_id: str,
    request: CreateUploadsRequest,
    caller: Caller,
    *,
    host: HostDirectory,
    storage: ObjectStore,
    settings: Settings,
    now: datetime | None = None,
) -> CreateReferencesResponse:
    """Presigned POSTs pinning `{root}references/identities/{id}/{reference_id}.{ext}`, with the
    same type and size rules as `POST /v1/uploads`."""
    check_upload_files(request.files, settings)
    identity = authorize_identity(identity_id, caller, host)
    uploads = []
    for file in request.files:
        reference_id = uuid.uuid4().hex
        key = settings.bucket_layout.reference_key(identity.id, reference_id, file.content_type)
        post = presign_upload(key, file.content_type, storage=storage, settings=settings)
        uploads.append(PresignedReference(**post.model_dump(), reference_id=reference_id))
    expires_at = (now or utc_now()) + timedelta(seconds=settings.upload_url_expiry_s)
    return CreateReferencesResponse(identity_id=identity.id, expires_at=expires_at, uploads=uploads)


def list_references(
    identity_id: str,
    caller: Caller,
    *,
    limit: int,
    cursor: str | None = None,
    host: HostDirectory,
    storage: ObjectStore,
    settings: Settings,
) -> ReferenceList:
    """The identity's references, newest first, `limit` per page, each with a short-lived
    download URL; `next_cursor` continues after the page's last one (None: no more).
    Everything listed can be deleted."""
    identity = authorize_identity(identity_id, caller, host)
    listed = folder_references(storage, settings.bucket_layout, identity.id)
    if cursor:
        after = decode_reference_cursor(cursor, settings.bucket_layout, identity.id)
        listed = [o for o in listed if (o.last_modified, o.key) < after]
    page, rest = listed[:limit], listed[limit:]
    items = []
    for item in page:
        info = storage.head(item.key)
        if info is None:  # removed since the listing
            continue
        items.append(
            StoredReference(
                reference_id=reference_id_of(item.key),
                key=item.key,
                size=info.size,
                last_modified=info.last_modified or item.last_modified,
                content_type=info.content_type,
                url=storage.presigned_get(item.key, expires_in=settings.output_url_expiry_s),
            )
        )
    next_cursor = encode_reference_cursor(page[-1]) if page and rest else None
    return ReferenceList(identity_id=identity.id, items=items, next_cursor=next_cursor)


#: The fields of a reference listing's cursor: the last reference's time and key.
_REFERENCE_CURSOR_FIELDS = frozenset({"t", "k"})


def encode_reference_cursor(last: ListedObject) -> str:
    return encode_fields({"t": format_timestamp(last.last_modified), "k": last.key})


def decode_reference_cursor(
    cursor: str, layout: BucketLayout, identity_id: str
) -> tuple[datetime, str]:
    """(last_modified, key) of the previous page's last reference; a cursor this list did
    not hand out (malformed, deep, of another shape, or another identity's) is 422
    `validation_error` (`details.field` = `cursor`)."""
    fields = decode_fields(cursor, _REFERENCE_CURSOR_FIELDS)
    key, stamp = fields["k"], fields["t"]
    if layout.identity_of(key) != identity_id:
        raise invalid_cursor()
    try:
        return datetime.strptime(stamp, TIMESTAMP_FORMAT).replace(tzinfo=UTC), key
    except ValueError as error:
        raise invalid_cursor() from error


def delete_reference(
    identity_id: str,
    reference_id: str,
    caller: Caller,
    *,
    host: HostDirectory,
    storage: ObjectStore,
    settings: Settings,
) -> list[str]:
    """Remove the folder's file(s) whose name without extension is `reference_id`; the
    removed keys. `reference_not_found` if there is none. Triggers nothing: the bucket
    notifies new objects only."""
    identity = authorize_identity(identity_id, caller, host)
    layout = settings.bucket_layout
    keys = [
        item.key
        for item in storage.list(f"{layout.reference_folder(identity.id)}{reference_id}")
        if layout.identity_of(item.key) == identity.id and reference_id_of(item.key) == reference_id
    ]
    if not keys:
        raise PipelineError(
            ErrorCode.REFERENCE_NOT_FOUND,
            f"Identity {identity_id!r} has no reference {reference_id!r}.",
            details={"identity_id": identity_id, "reference_id": reference_id},
        )
    for key in keys:
        storage.delete(key)
    return keys
