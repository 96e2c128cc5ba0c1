from __future__ import annotations

from django.apps import AppConfig


class IdentityImagesConfig(AppConfig):
    name = "identity_images_django"
    label = "identity_images_django"
    verbose_name = "Identity images"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from identity_images_django import checks  # noqa: F401  (registers the checks)
