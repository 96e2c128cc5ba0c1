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

from identity_images_django.conf import app_settings, identity_model


@register()
def check_identity_images(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    conf = app_settings()
    errors: list[CheckMessage] = []
    if not conf.service_token:
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
