from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from identity_images_django.models import ReceivedWebhook


class Command(BaseCommand):
    help = (
        "Forget webhook-ids older than --days (default 30). A sender retries for minutes, "
        "so an id that old is not coming back; the table would otherwise only grow."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 1:
            self.stderr.write("--days must be at least 1.")
            raise SystemExit(2)
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = ReceivedWebhook.objects.filter(received_at__lt=cutoff).delete()
        self.stdout.write(f"forgot {deleted} webhook-ids received before {cutoff:%Y-%m-%d}")
