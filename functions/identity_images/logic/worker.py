"""Running one job message: its generation when asked, then its apply when one is pending.

Knows nothing of Lambda or SQS records: the handler passes the parsed message and its
receive count, and turns `RetryLater` into a batch item failure.

The worker only dispatches; each part is a module of its own, read one at a time:

- `logic.generation_run`: claim the job (or defer a held one), record its end, retry;
- `logic.image_making`: what a claimed try does: read the references, call Gemini, and
  `logic.storing`: store the output, its preview and the references as sent;
- `logic.apply_run`: save a succeeded job's image to the Django host;
- `logic.delivery`: how a delivery ends for both (the outcomes, the retry decision, a
  deferred copy of the message).

Every state that waits for a message has a `due_at` (the lease of the worker, of the
wait between tries, of the pending apply); `logic.reaper` settles the dead letters and
the jobs whose `due_at` passed long ago, for when the worker is not there to.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from identity_images.domain import HostDirectory, ImageCallback
from identity_images.logic.apply_run import ApplyRun
from identity_images.logic.delivery import Outcome, RetryLater
from identity_images.logic.generation_run import GenerationRun
from identity_images.logic.image_making import Generate, ImageMaker
from identity_images.models.jobs import JobMessage
from identity_images.models.ports import JobQueue, JobStore, ObjectStore
from identity_images.settings import Settings

__all__ = ["Outcome", "RetryLater", "Worker", "build_worker"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Worker:
    """The ports a job message needs: the jobs table, the queue, the bucket, the Django
    host (its identities and the callback that saves an image) and Gemini."""

    store: JobStore
    queue: JobQueue
    storage: ObjectStore
    host: HostDirectory
    callback: ImageCallback
    generate: Generate
    settings: Settings

    def handle(self, message: JobMessage, *, receive_count: int) -> list[Outcome]:
        """What happened, in order. Raises `RetryLater` when the message must come back."""
        job = self.store.get(message.job_id)
        if job is None:
            logger.warning("job not found; message dropped", extra={"job_id": message.job_id})
            return [Outcome.SKIPPED]
        outcomes: list[Outcome] = []
        if message.action == "generate" and not job.is_terminal:
            job, outcome = self.generation().run(job, receive_count)
            outcomes.append(outcome)
            if job is None:
                return outcomes
        if job.apply_in_flight:
            outcomes.append(self.apply().run(job, receive_count))
        return outcomes or [Outcome.SKIPPED]

    def generation(self) -> GenerationRun:
        """The generation's part, with the ports it needs."""
        maker = ImageMaker(
            store=self.store,
            storage=self.storage,
            host=self.host,
            generate=self.generate,
            settings=self.settings,
        )
        return GenerationRun(
            store=self.store,
            queue=self.queue,
            storage=self.storage,
            settings=self.settings,
            make=maker.make,
        )

    def apply(self) -> ApplyRun:
        """The apply's part, with the ports it needs."""
        return ApplyRun(
            store=self.store,
            queue=self.queue,
            storage=self.storage,
            callback=self.callback,
            settings=self.settings,
        )


def build_worker(
    settings: Settings,
    *,
    host: HostDirectory | None = None,
    callback: ImageCallback | None = None,
) -> Worker:
    """The worker with the real adapters: DynamoDB, SQS, S3, the Django host, the signed
    callback and Gemini (or whatever `GEMINI_BASE_URL` points at). Tests pass their own
    `host` and `callback`, the two ports to the Django app."""
    from functools import partial

    from identity_images.adapters.callback import WebhookCallback
    from identity_images.adapters.django_host import DjangoHost
    from identity_images.adapters.job_queue import JobQueue as SqsJobQueue
    from identity_images.adapters.job_store import JobStore as DynamoJobStore
    from identity_images.adapters.storage import Storage
    from identity_images.engine.gemini import GeminiImageProvider
    from identity_images.engine.generation import generate_identity_image
    from identity_images.engine.references import ReferenceRules

    generate: Generate = partial(
        generate_identity_image,
        provider=GeminiImageProvider.from_settings(settings),
        rules=ReferenceRules.from_settings(settings),
    )
    return Worker(
        store=DynamoJobStore.from_settings(settings),
        queue=SqsJobQueue.from_settings(settings),
        storage=Storage.from_settings(settings),
        host=host or DjangoHost.from_settings(settings),
        callback=callback or WebhookCallback.from_settings(settings),
        generate=generate,
        settings=settings,
    )
