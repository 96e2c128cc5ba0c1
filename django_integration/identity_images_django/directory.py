"""Reading the host's users and identities, as the configured models define them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, Model, QuerySet

from identity_images_django.conf import app_settings, identity_model, test_users
from identity_images_django.schemas import IdentityOut, UserOut


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


def identity_out(identity: Model) -> IdentityOut:
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
        image_path=image.name or None,
    )
