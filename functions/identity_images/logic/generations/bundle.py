"""The `Generations` bundle: what every generation operation works with."""

from __future__ import annotations

from dataclasses import dataclass

from identity_images.domain import HostDirectory
from identity_images.models.ports import Idempotency, JobQueue, JobStore, ObjectStore
from identity_images.settings import Settings


@dataclass(frozen=True)
class Generations:
    """What the generation operations work with: the host, the jobs table and queue, the
    bucket, the settings and (for an `Idempotency-Key`) the idempotency records."""

    host: HostDirectory
    store: JobStore
    queue: JobQueue
    storage: ObjectStore
    settings: Settings
    idempotency: Idempotency | None = None
