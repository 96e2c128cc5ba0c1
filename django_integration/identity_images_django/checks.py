"""System checks: a misconfigured app says so at `manage.py check`, not at the first call."""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import FileField
from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook

from identity_images_django.conf import IMAGE_MODES, AppSettings, app_settings, identity_model
from identity_images_django.directory import is_browser_url
from identity_images_django.placement import PILLOW_FORMATS, bucket_storage
from identity_images_django.signatures import LIBRARY_TOLERANCE_S


@register()
def check_identity_images(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    conf = app_settings()
    errors: list[CheckMessage] = []
    if not conf.service_tokens:
        errors.append(
            Error("IDENTITY_IMAGES['SERVICE_TOKEN'] is empty.", id="identity_images.E001")
        )
    if not conf.webhook_secrets:
        errors.append(
            Error("IDENTITY_IMAGES['WEBHOOK_SECRET'] is empty.", id="identity_images.E002")
        )
    for secret in conf.webhook_secrets:
        try:
            Webhook(secret)
        except (binascii.Error, EmptyWebhookSecretError):
            errors.append(
                Error(
                    "IDENTITY_IMAGES['WEBHOOK_SECRET'] must be `whsec_` + base64.",
                    id="identity_images.E002",
                )
            )
    if not 0 < conf.webhook_tolerance_s <= LIBRARY_TOLERANCE_S:
        errors.append(
            Error(
                f"IDENTITY_IMAGES['WEBHOOK_TOLERANCE_S'] is {conf.webhook_tolerance_s}; it "
                f"must be 1-{LIBRARY_TOLERANCE_S}: the standardwebhooks library refuses "
                f"a timestamp more than {LIBRARY_TOLERANCE_S} s away, whatever it says.",
                id="identity_images.E011",
            )
        )
    if conf.public_base_url and not is_browser_url(conf.public_base_url):
        errors.append(
            Error(
                f"IDENTITY_IMAGES['PUBLIC_BASE_URL'] is {conf.public_base_url!r}; it must be "
                "an absolute http(s) URL, e.g. 'https://app.example.com', or empty.",
                id="identity_images.E010",
            )
        )
    try:
        model = identity_model()
    except ImproperlyConfigured as exc:
        errors.append(Error(str(exc), id="identity_images.E003"))
        return errors
    try:
        field = model._meta.get_field(conf.identity_image_field)
    except FieldDoesNotExist:
        field = None
    if not isinstance(field, FileField):
        errors.append(
            Error(
                f"{model.__name__}.{conf.identity_image_field} must be a FileField or an "
                "ImageField (IDENTITY_IMAGES['IDENTITY_IMAGE_FIELD']).",
                id="identity_images.E004",
            )
        )
        return errors
    errors += check_image_placement(conf, field)
    return errors


def check_image_placement(conf: AppSettings, field: FileField) -> list[CheckMessage]:
    """Can the host's storage ever find the pipeline's output? (docs/fitting-a-host.md)"""
    if conf.image_mode not in IMAGE_MODES:
        return [
            Error(
                f"IDENTITY_IMAGES['IMAGE_MODE'] is {conf.image_mode!r}; use 'path' or 'copy'.",
                id="identity_images.E005",
            )
        ]
    if conf.image_mode == "copy":
        if conf.copy_max_bytes <= 0 or not conf.copy_content_types & set(PILLOW_FORMATS):
            return [
                Error(
                    "IDENTITY_IMAGES['COPY_MAX_BYTES'] must be positive and "
                    f"COPY_CONTENT_TYPES must allow one of {sorted(PILLOW_FORMATS)}.",
                    id="identity_images.E006",
                )
            ]
        return []
    field_name = f"{field.model.__name__}.{field.name}"
    found = bucket_storage(field.storage)
    if found is None:
        return [
            Error(
                f"IMAGE_MODE 'path' points {field_name} at an object in the pipeline's "
                f"bucket, but its storage ({type(field.storage).__name__}) is no bucket.",
                hint="Set IDENTITY_IMAGES['IMAGE_MODE'] = 'copy', or give the field the "
                "S3 storage of the pipeline's bucket.",
                id="identity_images.E007",
            )
        ]
    if found.bucket_name != conf.bucket_name:
        return [
            Error(
                f"{field_name} stores in bucket {found.bucket_name!r}, the pipeline writes "
                f"to {conf.bucket_name or '(IDENTITY_IMAGES[BUCKET_NAME] unset)'!r}.",
                hint="Deploy the pipeline with `-c hostBucketName=<the storage's bucket>` and "
                "set IDENTITY_IMAGES['BUCKET_NAME'] to it, or use IMAGE_MODE 'copy'.",
                id="identity_images.E008",
            )
        ]
    outputs = f"{conf.bucket_prefix}/generated/" if conf.bucket_prefix else "generated/"
    if found.location and not outputs.startswith(f"{found.location}/"):
        return [
            Error(
                f"{field_name}'s storage looks under {found.location + '/'!r}, the pipeline "
                f"writes its images under {outputs!r}: the storage could never find them.",
                hint=f"Deploy with `-c bucketPrefix={found.location}/identity-images/` and "
                "set IDENTITY_IMAGES['BUCKET_PREFIX'] to the same, or use IMAGE_MODE 'copy'.",
                id="identity_images.E009",
            )
        ]
    return []
