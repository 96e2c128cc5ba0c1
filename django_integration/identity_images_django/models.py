from __future__ import annotations

from django.db import models


class ReceivedWebhook(models.Model):
    """A `webhook-id` the callback endpoint applied: a second delivery is not applied."""

    webhook_id = models.CharField(max_length=255, unique=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    identity_id = models.CharField(max_length=255)
    image_path = models.CharField(max_length=1024)

    class Meta:
        ordering = ("-received_at",)

    def __str__(self) -> str:
        return f"{self.webhook_id} -> {self.identity_id}"


class ImageDecision(models.Model):
    """The newest "set image" decision an identity holds: when it was requested (in the
    pipeline) and which generation it named. An assignment requested earlier than this
    one is refused as `superseded`, so a slow older job never overwrites a newer choice."""

    identity_id = models.CharField(max_length=255, unique=True)
    requested_at = models.DateTimeField()
    generation_id = models.CharField(max_length=255)
    image_path = models.CharField(max_length=1024)
    decided_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.identity_id} <- {self.generation_id} ({self.requested_at:%Y-%m-%dT%H:%M:%S})"
