from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from example_host.people.seed import seed


class Command(BaseCommand):
    help = "Create the example users and identities (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in seed():
            self.stdout.write(line)
