"""Reading the host's users and identities, as the configured models define them."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest

from identity_images_django import placement
from identity_images_django.conf import app_settings, identity_model, test_users
from identity_images_django.schemas import IdentityOut, UserOut

log = logging.getLogger("identity_images_django")


def _pk(model: type[Model], raw: str) -> Any | None:
    """The primary key `raw` names, or None if it cannot be one (so: not found).

    Only the canonical spelling counts, the one the app itself answers (`str(pk)`): a
    UUID in upper case, without hyphens or in braces, or `01`, `+1`, ` 1` and non-ASCII
    digits for user 1, name no one. Every id has one spelling, so the pipeline never keys
    state, folders or jobs on two spellings of one id."""
    pk_field = model._meta.pk
    assert pk_field is not None
    try:
        pk = pk_field.to_python(raw)
    except (ValidationError, ValueError, TypeError):
        return None
    return pk if pk is not None and str(pk) == raw else None


def find_user(raw_id: str) -> AbstractBaseUser | None:
    model = get_user_model()
    pk = _pk(model, raw_id)
    return None if pk is None else model._default_manager.filter(pk=pk).first()


def find_identity(raw_id: str, queryset: QuerySet[Model] | None = None) -> Model | None:
    model = identity_model()
    pk = _pk(model, raw_id)
    if pk is None:
        return None
    return (
        (queryset if queryset is not None else model._default_manager.all()).filter(pk=pk).first()
    )


def user_out(user: AbstractBaseUser, *, is_test_user: bool | None = None) -> UserOut:
    if is_test_user is None:
        is_test_user = test_users().filter(pk=user.pk).exists()
    full_name = getattr(user, "get_full_name", lambda: "")()
    return UserOut(
        id=str(user.pk),
        username=user.get_username(),
        display_name=full_name or user.get_username(),
        is_test_user=is_test_user,
        is_staff=bool(getattr(user, "is_staff", False)),
        is_active=bool(getattr(user, "is_active", True)),
    )


def identities_of(user: AbstractBaseUser) -> QuerySet[Model]:
    conf = app_settings()
    return (
        identity_model()
        ._default_manager.filter(**{conf.identity_user_field: user})
        .order_by(conf.identity_name_field, "pk")
    )


def is_browser_url(url: str) -> bool:
    """An absolute http(s) URL: what a browser on another origin can load."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def image_url(image: FieldFile, request: HttpRequest | None = None) -> str | None:
    """The URL a browser on another origin (the Images tab) can show the image at: the
    storage's own `url()` (an S3 storage's is presigned and absolute), made absolute
    against PUBLIC_BASE_URL, else against the URL `request` came to, when the storage
    gives a relative one (a file system's MEDIA_URL). None without an image, or when the
    storage cannot give a URL."""
    if not image.name:
        return None
    try:
        url = image.storage.url(image.name)
    except NotImplementedError:  # a storage that serves nothing by URL
        return None
    except Exception:  # a listing without one URL beats no listing: logged
        log.exception("The storage could not give a URL for %r", image.name)
        return None
    if not is_browser_url(url):
        base = app_settings().public_base_url
        if base:
            url = urljoin(base, url)
        elif request is not None:
            url = request.build_absolute_uri(url)
    return url if is_browser_url(url) else None


def identity_out(identity: Model, request: HttpRequest | None = None) -> IdentityOut:
    conf = app_settings()
    user_field = identity._meta.get_field(conf.identity_user_field)
    assert isinstance(user_field, ForeignKey), "IDENTITY_USER_FIELD must be a ForeignKey"
    description = (
        getattr(identity, conf.identity_description_field, "")
        if conf.identity_description_field
        else ""
    )
    image = getattr(identity, conf.identity_image_field)
    return IdentityOut(
        id=str(identity.pk),
        user_id=str(getattr(identity, user_field.attname)),
        name=str(getattr(identity, conf.identity_name_field)),
        description=str(description or ""),
        image_path=placement.key_in_bucket(image.name, image.storage) if image.name else None,
        image_url=image_url(image, request),
    )
