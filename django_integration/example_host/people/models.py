from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """What the host knows of a user beyond `auth.User`: whether it is a test account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    is_test_user = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"profile of {self.user_id}"


class Identity(models.Model):
    """One identity of a user; its image is an object in the pipeline's bucket."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    image = models.ImageField(upload_to="identities/", max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "identities"
        constraints = (models.UniqueConstraint(fields=["user", "name"], name="unique_identity"),)

    def __str__(self) -> str:
        return self.name
