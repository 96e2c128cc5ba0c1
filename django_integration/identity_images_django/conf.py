"""The app's one setting, `IDENTITY_IMAGES`, read on every use (so tests can override it).

```python
IDENTITY_IMAGES = {
    "IDENTITY_MODEL": "people.Identity",          # app_label.Model of the host's identities
    "IDENTITY_USER_FIELD": "user",                # FK to the user model
    "IDENTITY_NAME_FIELD": "name",
    "IDENTITY_DESCRIPTION_FIELD": "description",  # "" if the model has none
    "IDENTITY_IMAGE_FIELD": "image",              # a FileField / ImageField
    "TEST_USER_FILTER": {"profile__is_test_user": True},  # or "dotted.path.to.callable"
    "SERVICE_TOKEN": "...",                       # bearer of the pipeline's reads; a list to rotate
    "WEBHOOK_SECRET": "whsec_...",                # or a list, to rotate secrets
    "WEBHOOK_TOLERANCE_S": 300,                   # accepted skew of webhook-timestamp (<= 300)
    # How the generated image reaches the image field (docs/fitting-a-host.md):
    "IMAGE_MODE": "path",                         # or "copy"
    # path: the field's storage is the pipeline's bucket; these say where the pipeline
    # writes (its BUCKET_NAME and BUCKET_PREFIX), so a system check can compare.
    "BUCKET_NAME": "identity-images",
    "BUCKET_PREFIX": "",
    # copy: download the image (short-lived URL) and save it through the field's storage.
    "COPY_MAX_BYTES": 30 * 1024 * 1024,
    "COPY_CONTENT_TYPES": ["image/png", "image/jpeg", "image/webp"],
    "COPY_TIMEOUT_S": 20,
    # Where browsers reach the host, e.g. "https://app.example.com": a relative URL from
    # the image field's storage (a file system's MEDIA_URL) is made absolute against it,
    # for the Images tab on another origin. Empty: against the URL the pipeline called.
    "PUBLIC_BASE_URL": "",
}
```

`TEST_USER_FILTER` is either lookups for `User.objects.filter(**...)` or the dotted path
of a callable that takes no argument and returns a queryset of users.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.utils.module_loading import import_string

DEFAULTS: dict[str, Any] = {
    "IDENTITY_MODEL": "",
    "IDENTITY_USER_FIELD": "user",
    "IDENTITY_NAME_FIELD": "name",
    "IDENTITY_DESCRIPTION_FIELD": "description",
    "IDENTITY_IMAGE_FIELD": "image",
    "TEST_USER_FILTER": {},
    "SERVICE_TOKEN": "",
    "WEBHOOK_SECRET": "",
    "WEBHOOK_TOLERANCE_S": 300,
    "IMAGE_MODE": "path",
    "BUCKET_NAME": "",
    "BUCKET_PREFIX": "",
    "COPY_MAX_BYTES": 30 * 1024 * 1024,
    "COPY_CONTENT_TYPES": ("image/png", "image/jpeg", "image/webp"),
    "COPY_TIMEOUT_S": 20,
    "PUBLIC_BASE_URL": "",
}
IMAGE_MODES = ("path", "copy")


@dataclass(frozen=True)
class AppSettings:
    identity_model: str
    identity_user_field: str
    identity_name_field: str
    identity_description_field: str
    identity_image_field: str
    test_user_filter: dict[str, Any] | str
    service_tokens: tuple[str, ...]
    webhook_secrets: tuple[str, ...]
    webhook_tolerance_s: int
    image_mode: str
    bucket_name: str
    bucket_prefix: str
    copy_max_bytes: int
    copy_content_types: frozenset[str]
    copy_timeout_s: float
    public_base_url: str


def _one_or_more(value: str | Sequence[str]) -> tuple[str, ...]:
    """A secret, or a list of them while one is rotated in; empty ones left out."""
    listed = (value,) if isinstance(value, str) else tuple(value)
    return tuple(str(item) for item in listed if item)


def app_settings() -> AppSettings:
    raw = {**DEFAULTS, **getattr(settings, "IDENTITY_IMAGES", {})}
    return AppSettings(
        identity_model=str(raw["IDENTITY_MODEL"]),
        identity_user_field=str(raw["IDENTITY_USER_FIELD"]),
        identity_name_field=str(raw["IDENTITY_NAME_FIELD"]),
        identity_description_field=str(raw["IDENTITY_DESCRIPTION_FIELD"]),
        identity_image_field=str(raw["IDENTITY_IMAGE_FIELD"]),
        test_user_filter=raw["TEST_USER_FILTER"],
        service_tokens=_one_or_more(raw["SERVICE_TOKEN"]),
        webhook_secrets=_one_or_more(raw["WEBHOOK_SECRET"]),
        webhook_tolerance_s=int(raw["WEBHOOK_TOLERANCE_S"]),
        image_mode=str(raw["IMAGE_MODE"]),
        bucket_name=str(raw["BUCKET_NAME"]),
        bucket_prefix=str(raw["BUCKET_PREFIX"]).strip("/"),
        copy_max_bytes=int(raw["COPY_MAX_BYTES"]),
        copy_content_types=frozenset(str(t).lower() for t in raw["COPY_CONTENT_TYPES"]),
        copy_timeout_s=float(raw["COPY_TIMEOUT_S"]),
        public_base_url=str(raw["PUBLIC_BASE_URL"] or ""),
    )


def identity_model() -> type[Model]:
    name = app_settings().identity_model
    try:
        return apps.get_model(name)
    except (ValueError, LookupError) as exc:
        raise ImproperlyConfigured(
            f"IDENTITY_IMAGES['IDENTITY_MODEL'] must name an installed model, not {name!r}."
        ) from exc


def test_users() -> QuerySet[AbstractBaseUser]:
    """The host's test users, the ones an admin may generate images for."""
    spec = app_settings().test_user_filter
    if isinstance(spec, str):
        return cast("QuerySet[AbstractBaseUser]", import_string(spec)())
    user_model = get_user_model()
    if not spec:
        return user_model._default_manager.none()
    return user_model._default_manager.filter(**spec)
