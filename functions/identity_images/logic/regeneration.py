"""New reference photos become one regeneration job per burst. Knows nothing of Lambda.

The trigger hands every S3 notification record here. Whatever is not a new, non-empty
image under `references/identities/{identity_id}/` is ignored. For the others:

- **No current job** (the identity's first, or its last one is gone): start one. The job
  is written `queued` with `source="s3_event"`, no reference keys (the worker lists the
  folder when it runs) and a deterministic id; its message is delayed by
  `REGENERATION_DEBOUNCE_S` (SQS `DelaySeconds`, hence at most 900 s).
- **The current job is still `queued`**: nothing to do. It has not listed the folder yet,
  so it will see this photo too: a burst of uploads is one job, and duplicate or
  out-of-order events for it change nothing.
- **The current job has started**: it listed the folder after its `started_at`, so it saw
  every object older than that. An event for such an object (a duplicate, a late one)
  changes nothing; a photo uploaded after the job started starts the next job. "Older"
  is judged with a one-second margin (S3's `LastModified` has second precision, and
  clocks differ a little): a photo uploaded within a second of the start gives one extra
  job rather than none.

The identity's current job lives in a state item (`adapters.regeneration_state`), and the
only way to start a job is a conditional write that moves that item from the generation
this invocation read to the next one: of two concurrent invocations one starts the job and
the other sees it `queued`. The job id is a hash of the identity, the state's nonce and
the generation, so a redelivered record (after a crash between the writes) finishes the
same job instead of starting another: it creates the job if missing (a conditional put),
sends its message and marks it sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from identity_images.domain import HostDirectory, HostIdentity, HostUser
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.reference_folder import is_usable
from identity_images.models.jobs import Job, JobMessage, utc_now
from identity_images.models.ports import (
    MAX_DELAY_S,
    JobQueue,
    JobStore,
    ObjectStore,
    RegenerationState,
    RegenerationStates,
)
from identity_images.settings import Settings

logger = logging.getLogger(__name__)

#: Who "created" a job the trigger started.
SYSTEM = "system"
#: How much older than a job's start an object must be for the job to have seen it.
COVER_MARGIN = timedelta(seconds=1)
#: Conditional-write races lost before giving up (the record is then retried by SQS).
MAX_RACES = 5


class Decision(StrEnum):
    IGNORED = "ignored"  # not a new usable reference
    ABSORBED = "absorbed"  # the identity's queued job will see it
    COVERED = "covered"  # the identity's started job already saw it
    CREATED = "created"  # a new regeneration job


def serves_user(user: HostUser, settings: Settings) -> bool:
    """Whose identities a new photo in the bucket regenerates: the same people the
    references routes let an admin act on (staff, who act on their own identities, and
    test users), unless `REGENERATION_ALL_USERS` widens it to everyone."""
    return user.is_staff or user.is_test_user or settings.regeneration_all_users


@dataclass(frozen=True)
class ReferenceCreated:
    """What the trigger needs from one S3 notification record."""

    key: str  # decoded
    event_name: str  # e.g. "ObjectCreated:Put"
    size: int | None
    event_time: datetime


@dataclass(frozen=True)
class Regenerator:
    store: JobStore
    states: RegenerationStates
    queue: JobQueue
    storage: ObjectStore
    host: HostDirectory
    settings: Settings
    clock: Callable[[], datetime] = utc_now

    def handle(self, event: ReferenceCreated) -> Decision:
        identity_id = self._relevant(event)
        if identity_id is None:
            return Decision.IGNORED
        info = self.storage.head(event.key)
        if info is None or not is_usable(info, self.settings):
            logger.info("not a usable reference; ignored", extra={"key": event.key})
            return Decision.IGNORED
        uploaded_at = max(event.event_time, info.last_modified or event.event_time)
        for _ in range(MAX_RACES):
            decision = self._decide(identity_id, uploaded_at)
            if decision is not None:
                logger.info(
                    "reference event",
                    extra={"key": event.key, "identity_id": identity_id, "decision": decision},
                )
                return decision
        raise PipelineError(
            ErrorCode.CONFLICT,
            f"Lost {MAX_RACES} races for identity {identity_id!r}'s regeneration state.",
            retryable=True,
        )

    # --- steps ------------------------------------------------------------------------
    def _relevant(self, event: ReferenceCreated) -> str | None:
        """The identity whose reference folder got a new object; None, with a log line
        saying why, for any other event."""
        identity_id = self.settings.bucket_layout.identity_of(event.key)
        if not event.event_name.startswith("ObjectCreated"):
            reason = "not an ObjectCreated event"
        elif event.size is not None and event.size <= 0:
            reason = "an empty object"
        elif identity_id is None:
            reason = "not directly in an identity's reference folder"
        else:
            return identity_id
        logger.info(
            "not a new reference; ignored",
            extra={"key": event.key, "event_name": event.event_name, "reason": reason},
        )
        return None

    def _decide(self, identity_id: str, uploaded_at: datetime) -> Decision | None:
        """One attempt; None when another invocation moved the state in between."""
        state = self.states.get(identity_id)
        if state is not None and state.current_job_id is not None:
            job = self.store.get(state.current_job_id)
            if not state.message_sent:  # its starter is at it, or crashed half way
                if job is None or job.status == "queued":
                    job = self._finish_start(state, job)
                    if job is None:
                        return Decision.IGNORED
                else:  # it ran, so its message went out
                    self.states.mark_sent(state)
            # A job never tried lists the folder when it runs: the new photo is in it. One
            # given back after a try may record what that try made from an older listing.
            if job is not None and job.status == "queued" and job.attempts == 0:
                return Decision.ABSORBED
            if job is not None and job.started_at and uploaded_at + COVER_MARGIN <= job.started_at:
                return Decision.COVERED
        started = (state or RegenerationState.initial(identity_id)).next()
        job = self._new_job(started)
        if job is None:
            return Decision.IGNORED
        if not self.states.advance(started, previous=state):
            return None
        self.store.create_once(job)
        self._send(started, job)
        return Decision.CREATED

    def _new_job(self, state: RegenerationState) -> Job | None:
        """The queued job `state` names; None if Django no longer has the identity."""
        assert state.current_job_id is not None
        identity = self._served_identity(state.identity_id)
        if identity is None:
            return None
        s = self.settings
        job = Job.new(
            identity_id=identity.id,
            user_id=identity.user_id,
            created_by=SYSTEM,
            reference_keys=[],
            prompt=s.regeneration_prompt,
            aspect_ratio=s.default_aspect_ratio,
            image_size=s.default_image_size,
            apply=s.regeneration_apply,
            source="s3_event",
            model=s.gemini_model,
            now=self.clock(),
            identity_name=identity.name,
            max_attempts=s.worker_max_receive_count,
        )
        return job.model_copy(update={"id": state.current_job_id})

    def _served_identity(self, identity_id: str) -> HostIdentity | None:
        """The identity the folder is named after, if regeneration serves it; None (and
        a log line) for a folder under a name the host does not know, another spelling of
        an id among them (`0021`, an upper-case UUID: the host answers only the canonical
        one, see `HostDirectory`), or of a user regeneration does not serve
        (`serves_user`). Retrying would never find either, so neither goes back to the queue
        (and on to the dead-letter queue). The folder's name is a host id already
        (`BucketLayout.identity_of`), so the host never refuses it as no id."""
        try:
            identity = self.host.get_identity(identity_id)
        except PipelineError as error:
            if error.code != ErrorCode.IDENTITY_NOT_FOUND:
                raise
            logger.warning("identity not in the host app; ignored", extra={"id": identity_id})
            return None
        owner = self.host.get_user(identity.user_id)
        if not serves_user(owner, self.settings):
            logger.warning(
                "identity of a user regeneration does not serve (neither staff nor a test "
                "user); ignored",
                extra={"id": identity_id, "user_id": owner.id},
            )
            return None
        return identity

    def _finish_start(self, state: RegenerationState, job: Job | None) -> Job | None:
        """Create the job (if missing), send its delayed message, mark it sent."""
        if job is None:
            job = self._new_job(state)
            if job is None:
                return None
            if not self.store.create_once(job):
                job = self.store.get(job.id) or job
        self._send(state, job)
        return job

    def _send(self, state: RegenerationState, job: Job) -> None:
        """The job's message, delayed by the debounce window; then the state says so."""
        delay = min(self.settings.regeneration_debounce_s, MAX_DELAY_S)
        self.queue.send(JobMessage(job_id=job.id, action="generate"), delay_s=delay)
        self.states.mark_sent(state)


def build_regenerator(settings: Settings) -> Regenerator:
    """With the real adapters: DynamoDB, SQS, S3 and the Django host."""
    from identity_images.adapters.django_host import DjangoHost
    from identity_images.adapters.job_queue import JobQueue as SqsJobQueue
    from identity_images.adapters.job_store import JobStore as DynamoJobStore
    from identity_images.adapters.regeneration_state import (
        RegenerationStates as DynamoRegenerationStates,
    )
    from identity_images.adapters.storage import Storage

    return Regenerator(
        store=DynamoJobStore.from_settings(settings),
        states=DynamoRegenerationStates.from_settings(settings),
        queue=SqsJobQueue.from_settings(settings),
        storage=Storage.from_settings(settings),
        host=DjangoHost.from_settings(settings),
        settings=settings,
    )
