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
