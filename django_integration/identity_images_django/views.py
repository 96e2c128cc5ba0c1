"""The internal endpoints the pipeline calls (mounted at `internal/identity-images/`).

Reads need `Authorization: Bearer <SERVICE_TOKEN>`. The image callback needs a valid
Standard Webhooks signature instead, and is applied once per `webhook-id`:

| answer | when |
|---|---|
| 200 `{"status": "applied"}` | the image field now names `image_path` or a copy of it |
| 200 `{"status": "duplicate"}` | this `webhook-id` was applied before; nothing changed |
| 409 `conflict` | this `webhook-id` came before for another identity or image (a bug) |
| 409 `superseded` | the identity holds a decision requested later; nothing changed |
| 401 `unauthorized` | missing, wrong or stale signature |
| 400 `validation_error` | the body is not an image assignment for this identity |
| 404 `identity_not_found` | no such identity (nothing recorded, so it can be retried) |
| 503 `image_copy_failed` | copy: the download or the save failed; nothing changed |
| 422 `image_rejected` | copy: over COPY_MAX_BYTES or not an allowed image type |

A replay is acknowledged with a 2xx so that a sender retrying after a lost answer stops.
How the image reaches the field (`IMAGE_MODE`) is `placement`'s business.
"""

from __future__ import annotations

import hmac
import posixpath
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import update_wrapper
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError

from identity_images_django import placement, signatures
from identity_images_django.conf import app_settings, identity_model, test_users
from identity_images_django.directory import (
    find_identity,
    find_user,
    identities_of,
    identity_out,
    user_out,
)
from identity_images_django.models import ImageDecision, ReceivedWebhook
from identity_images_django.placement import image_field
from identity_images_django.responses import allow, error
from identity_images_django.schemas import ImageAssignmentIn
from identity_images_django.signals import identity_image_assigned

P = ParamSpec("P")
WEBHOOK_ID_MAX_CHARS = ReceivedWebhook._meta.get_field("webhook_id").max_length or 255


def service_token_required(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Refuse (401) unless the bearer token is SERVICE_TOKEN, or one of them while a new
    one is rotated in (each compared in constant time)."""

    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        given = token.strip().encode()
        expected = app_settings().service_tokens
        valid = [hmac.compare_digest(given, known.encode()) for known in expected]
        if scheme.lower() != "bearer" or not any(valid):
            return error(401, "unauthorized", "A valid service token is required.")
        return view(request, *args, **kwargs)

    update_wrapper(wrapper, view)
    return wrapper


def _user_not_found(user_id: str) -> JsonResponse:
    return error(404, "user_not_found", f"No user {user_id!r}.", {"user_id": user_id})


def _identity_not_found(identity_id: str) -> JsonResponse:
    return error(
        404, "identity_not_found", f"No identity {identity_id!r}.", {"identity_id": identity_id}
    )


@csrf_exempt  # token-authenticated, no cookies: a wrong method gets the JSON 405
@allow("GET")
@service_token_required
def user_detail(request: HttpRequest, user_id: str) -> HttpResponse:
    user = find_user(user_id)
    if user is None:
        return _user_not_found(user_id)
    return JsonResponse(user_out(user).model_dump())


@csrf_exempt  # token-authenticated, no cookies: a wrong method gets the JSON 405
@allow("GET")
@service_token_required
def test_user_list(request: HttpRequest) -> HttpResponse:
    users = test_users().order_by("pk")
    results = [user_out(u, is_test_user=True).model_dump() for u in users]
    return JsonResponse({"results": results})


@csrf_exempt  # token-authenticated, no cookies: a wrong method gets the JSON 405
@allow("GET")
@service_token_required
def user_identities(request: HttpRequest, user_id: str) -> HttpResponse:
    user = find_user(user_id)
    if user is None:
        return _user_not_found(user_id)
    results = [identity_out(i, request).model_dump() for i in identities_of(user)]
    return JsonResponse({"results": results})


@csrf_exempt  # token-authenticated, no cookies: a wrong method gets the JSON 405
@allow("GET")
@service_token_required
def identity_detail(request: HttpRequest, identity_id: str) -> HttpResponse:
    identity = find_identity(identity_id)
    if identity is None:
        return _identity_not_found(identity_id)
    return JsonResponse(identity_out(identity, request).model_dump())


class _AnsweredError(Exception):
    """The callback's answer, decided before the image is set: a refusal, or a replay's
    acknowledgement. The callback's steps raise it; the view returns its response."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def _check_path(path: str, max_length: int | None = None) -> None:
    """400 `validation_error` for a key that is absolute, not normalised, or too long."""
    problem = _path_problem(path, max_length)
    if problem:
        raise _AnsweredError(error(400, "validation_error", problem, {"field": "image_path"}))


def _path_problem(path: str, max_length: int | None) -> str | None:
    if path.startswith("/") or "\\" in path or "\x00" in path:
        return "image_path must be a relative object key."
    if posixpath.normpath(path) != path or ".." in path.split("/"):
        return "image_path must be a normalised object key."
    if max_length is not None and len(path) > max_length:
        return f"image_path is longer than the image field allows ({max_length})."
    return None


class _IdentityMissingError(Exception):
    pass


class _SupersededError(Exception):
    def __init__(self, held: ImageDecision) -> None:
        super().__init__(held.generation_id)
        self.held = held


def _superseded(identity_id: str, held: ImageDecision) -> JsonResponse:
    return error(
        409,
        "superseded",
        "The identity holds a newer image decision; this older one is not applied.",
        {
            "identity_id": identity_id,
            "held_generation_id": held.generation_id,
            "held_requested_at": _as_aware(held.requested_at).isoformat(),
        },
    )


def _as_stored(moment: datetime) -> datetime:
    """An aware moment as a DateTimeField takes it: as it is with `USE_TZ`, else naive
    UTC (SQLite and MySQL refuse an aware value when `USE_TZ` is False)."""
    return moment if settings.USE_TZ else timezone.make_naive(moment, UTC)


def _as_aware(stored: datetime) -> datetime:
    """A moment read back, aware again: a naive one was stored as UTC (`_as_stored`)."""
    return stored if timezone.is_aware(stored) else timezone.make_aware(stored, UTC)


def _record_decision(assignment: ImageAssignmentIn) -> None:
    """The newest decision wins: refuse one requested before the one held (raises
    `_SupersededError`, rolling the transaction back), else hold this one."""
    if assignment.requested_at is None:
        return
    held = (
        ImageDecision.objects.select_for_update().filter(identity_id=assignment.identity_id).first()
    )
    if held is not None and _as_aware(held.requested_at) > assignment.requested_at:
        raise _SupersededError(held)
    ImageDecision.objects.update_or_create(
        identity_id=assignment.identity_id,
        defaults={
            "requested_at": _as_stored(assignment.requested_at),
            "generation_id": assignment.generation_id,
            "image_path": assignment.image_path,
        },
    )


class _ReplayedError(Exception):
    pass


@csrf_exempt
@allow("POST")
def identity_image(request: HttpRequest, identity_id: str) -> HttpResponse:
    """The signed callback: set the identity's image (IMAGE_MODE `path`: to the object in
    the bucket; `copy`: to a copy saved through the field's storage), once per
    `webhook-id`, and announce it."""
    try:
        webhook_id = _verified(request)
        assignment = _assignment(request.body, identity_id)
        if ReceivedWebhook.objects.filter(webhook_id=webhook_id).exists():
            return _replayed(webhook_id, assignment)
        identity, name = _place(webhook_id, identity_id, assignment)
    except _AnsweredError as answered:
        return answered.response

    identity_image_assigned.send(
        sender=identity_model(),
        identity=identity,
        image_path=assignment.image_path,
        image_name=name,
        generation_id=assignment.generation_id,
    )
    return JsonResponse(
        {
            "status": "applied",
            "webhook_id": webhook_id,
            "identity_id": identity_id,
            "image_path": assignment.image_path,
            "image_name": name,
        }
    )


def _verified(request: HttpRequest) -> str:
    """The `webhook-id` of a callback whose signature holds (else 401 `unauthorized`),
    if the table can record it (else 400 `validation_error`)."""
    conf = app_settings()
    try:
        webhook_id = signatures.verify(
            request.body,
            {k.lower(): v for k, v in request.headers.items()},
            secrets=conf.webhook_secrets,
            tolerance_s=conf.webhook_tolerance_s,
        )
    except signatures.SignatureError as exc:
        raise _AnsweredError(error(401, "unauthorized", str(exc))) from exc
    if len(webhook_id) > WEBHOOK_ID_MAX_CHARS:
        # ReceivedWebhook.webhook_id holds 255; SQLite would not enforce it, others fail.
        raise _AnsweredError(
            error(
                400,
                "validation_error",
                f"webhook-id is longer than {WEBHOOK_ID_MAX_CHARS} characters.",
                {"field": "webhook-id"},
            )
        )
    return webhook_id


def _assignment(body: bytes, identity_id: str) -> ImageAssignmentIn:
    """The body as an image assignment for the URL's identity, with a relative,
    normalised key (else 400 `validation_error`)."""
    try:
        assignment = ImageAssignmentIn.model_validate_json(body)
    except ValidationError as exc:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        raise _AnsweredError(
            error(400, "validation_error", "Not an image assignment.", {"errors": problems})
        ) from exc
    if assignment.identity_id != identity_id:
        raise _AnsweredError(
            error(400, "validation_error", "The body names another identity than the URL.")
        )
    _check_path(assignment.image_path)
    if not _is_generated_image(assignment, identity_id):
        raise _AnsweredError(
            error(
                400,
                "validation_error",
                "image_path is not this generation's image of this identity "
                "(…generated/identities/{identity_id}/{generation_id}.{ext}, the extension "
                "its content_type's).",
                {"field": "image_path"},
            )
        )
    return assignment


#: A segment of the pipeline's root before `generated/` (its `BUCKET_PREFIX`, the storage's
#: location).
_ROOT_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")
#: The extensions the pipeline gives an image of each type it stores (its `media_types`; Gemini
#: answers PNG or JPEG); an image of another type, or under another extension, is not its output.
_EXTENSIONS = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/webp": ("webp",),
    "image/heic": ("heic",),
    "image/heif": ("heif",),
}


def _is_generated_image(assignment: ImageAssignmentIn, identity_id: str) -> bool:
    """Whether the assignment's `image_path` is the pipeline's output of its generation for
    this identity, `{root}generated/identities/{identity_id}/{generation_id}.{ext}`, `ext`
    its `content_type`'s: a signed callback still cannot point the identity at an upload, a
    preview, another identity's or generation's image, a file of another kind (`….exe`), or
    any other object of a shared bucket. (The root is the pipeline's; `BUCKET_PREFIX` is only
    compared by a system check, so it is not relied on here, only its alphabet.)"""
    parts = assignment.image_path.split("/")
    if len(parts) < 4:
        return False
    *root, generated, identities, folder, name = parts
    stem, dot, extension = name.rpartition(".")
    return (
        [generated, identities, folder] == ["generated", "identities", identity_id]
        and all(_ROOT_SEGMENT.fullmatch(segment) for segment in root)
        and (stem, dot) == (assignment.generation_id, ".")
        and extension in _EXTENSIONS.get(assignment.content_type, ())
    )


def _place(webhook_id: str, identity_id: str, assignment: ImageAssignmentIn) -> tuple[Model, str]:
    """Set the identity's image and record the `webhook-id` (`_assign`): the identity and
    the name now in its field. Raises `_AnsweredError` for a replay that raced this
    delivery, a missing identity, a superseded decision or an image that cannot be placed."""
    try:
        return _assign(webhook_id, identity_id, assignment, _image_to_place(assignment))
    except _ReplayedError:
        raise _AnsweredError(_replayed(webhook_id, assignment)) from None
    except _IdentityMissingError:
        raise _AnsweredError(_identity_not_found(identity_id)) from None
    except _SupersededError as superseded:
        raise _AnsweredError(_superseded(identity_id, superseded.held)) from None
    except placement.PlacementError as exc:
        raise _AnsweredError(error(exc.status, exc.code, exc.message, exc.details)) from exc


def _image_to_place(assignment: ImageAssignmentIn) -> str | placement.DownloadedImage:
    """IMAGE_MODE `copy`: the downloaded image; `path`: the object's name in the field's
    storage (400 `validation_error` if longer than the field allows)."""
    conf = app_settings()
    if conf.image_mode == "copy":
        # Downloaded before the transaction: no row stays locked while bytes travel.
        return placement.download(assignment, conf)
    field = image_field(conf)
    name = placement.name_in_storage(assignment.image_path, field.storage)
    _check_path(name, field.max_length)
    return name


def _assign(
    webhook_id: str,
    identity_id: str,
    assignment: ImageAssignmentIn,
    image: str | placement.DownloadedImage,
) -> tuple[Model, str]:
    """Record the webhook and set the field to `image` (path mode: the name of the object
    in the bucket; copy mode: the downloaded image, saved here), all or nothing; the
    identity and the name now in its field. A copy saved to storage is removed again if
    the row is not updated after all."""
    conf = app_settings()
    field = image_field(conf)
    saved: str | None = None
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ReceivedWebhook.objects.create(
                        webhook_id=webhook_id,
                        identity_id=assignment.identity_id,
                        image_path=assignment.image_path,
                    )
            except IntegrityError as exc:
                raise _ReplayedError from exc
            model = identity_model()
            identity = find_identity(identity_id, model._default_manager.select_for_update())
            if identity is None:
                raise _IdentityMissingError
            _record_decision(assignment)
            if isinstance(image, str):
                # path: point the field at the object already in the bucket.
                name = image
                getattr(identity, conf.identity_image_field).name = name
            else:
                try:
                    saved = name = placement.save_copy(identity, conf.identity_image_field, image)
                except Exception as exc:
                    raise placement.PlacementError(
                        503,
                        "image_copy_failed",
                        f"Saving the image to the host's storage failed: {type(exc).__name__}.",
                    ) from exc
            identity.save(update_fields=[conf.identity_image_field])
    except BaseException:
        if saved is not None:
            field.storage.delete(saved)
        raise
    return identity, name


def _replayed(webhook_id: str, assignment: ImageAssignmentIn) -> HttpResponse:
    first = ReceivedWebhook.objects.get(webhook_id=webhook_id)
    if (first.identity_id, first.image_path) != (assignment.identity_id, assignment.image_path):
        return error(
            409,
            "conflict",
            "This webhook-id was used before for another assignment.",
            {"webhook_id": webhook_id},
        )
    return JsonResponse(
        {
            "status": "duplicate",
            "webhook_id": webhook_id,
            "identity_id": assignment.identity_id,
            "image_path": first.image_path,
        }
    )
