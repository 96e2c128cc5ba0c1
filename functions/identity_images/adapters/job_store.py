"""The jobs table (DynamoDB).

Partition key `job_id`; GSI `by_identity` (`identity_id`, `created_at`, projection ALL)
for an identity's history (read by `job_history`); TTL attribute `expires_at` (epoch
seconds).

Sparse GSI `in_flight` (`in_flight`, `due_at`, keys only): a job is in it while something
must still happen to it (queued, running, or succeeded with an apply pending), and leaves
it when nothing will. `due_at` is the epoch second by which whatever holds the job (its
queued message, its running worker, its pending apply) should have acted: the reaper
reads only this index, so a sweep of an idle pipeline reads nothing.

Every state change is a conditional write: `claim` only takes a queued job or one whose
lease ran out, and `succeed` / `fail` / `requeue` only touch the job while the caller's
claim (its `attempts` number) still holds it, so two deliveries of one message cannot both
run it and a finished job never goes back.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from identity_images.adapters import aws
from identity_images.adapters.dynamodb_items import (
    from_item,
    is_conditional_failure,
    plain,
    to_item,
    to_value,
)
from identity_images.adapters.job_history import identity_page
from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.jobs import (
    OUTPUT_URL_FIELDS,
    Job,
    JobError,
    JobOutput,
    JobUsage,
    PreparedReferenceInfo,
    StageTimings,
    format_timestamp,
    latest_retry_claimable,
    utc_now,
)
from identity_images.models.ports import MAX_DELAY_S, JobPage
from identity_images.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

#: BatchGetItem's most keys a call; its unprocessed keys are asked again this many times,
#: after 50, 100 and 200 ms.
BATCH_GET_MAX_KEYS = 100
BATCH_GET_RETRIES = 3
BATCH_GET_BACKOFF_S = 0.05
IN_FLIGHT_INDEX = "in_flight"
#: The one value of the `in_flight` attribute (the index's partition key).
IN_FLIGHT = "job"


def _no_image_to_apply(
    job: Job, what_happened: str, values: dict[str, Any], names: dict[str, str]
) -> str:
    """The SET clauses (and their values and names, added to `values` and `names`) that
    fail a job's pending apply with `generation_not_ready` as the job ends without an
    image; empty when no apply is pending. One wording for a failed and a canceled job."""
    if job.apply.status != "pending":
        return ""
    values[":failed"] = "failed"
    values[":apply_error"] = JobError(
        code=ErrorCode.GENERATION_NOT_READY.value,
        message=f"The generation {what_happened}, so there is no image to apply.",
    ).model_dump(mode="json")
    names.update({"#apply": "apply", "#error": "error"})
    return ", #apply.#status = :failed, #apply.#error = :apply_error"


class JobStore:
    """`models.ports.JobStore` over DynamoDB."""

    def __init__(
        self, client: DynamoDBClient, table_name: str, ttl_days: int, lease_s: int = 900
    ) -> None:
        self._client = client
        self._table = table_name
        self._ttl = timedelta(days=ttl_days)
        #: How long a try (of a job or an apply) may take before it is thought dead.
        self._lease_s = lease_s

    @classmethod
    def from_settings(cls, settings: Settings) -> JobStore:
        return cls(
            aws.dynamodb(settings),
            settings.jobs_table_name,
            settings.job_ttl_days,
            settings.job_lease_s,
        )

    def _due(self, now: datetime, wait_s: int = 0) -> int:
        """When whatever takes over now, after `wait_s`, should be done."""
        return int(now.timestamp()) + max(wait_s, 0) + self._lease_s

    # --- reads --------------------------------------------------------------------------
    def get(self, job_id: str) -> Job | None:
        answer = self._client.get_item(
            TableName=self._table, Key={"job_id": {"S": job_id}}, ConsistentRead=True
        )
        item = answer.get("Item")
        return self._job(item) if item else None

    def require(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job is None:
            raise PipelineError(
                ErrorCode.GENERATION_NOT_FOUND,
                f"No generation {job_id!r}.",
                details={"generation_id": job_id},
            )
        return job

    def list_for_identity(
        self, identity_id: str, *, limit: int, cursor: str | None = None, saved: bool = False
    ) -> JobPage:
        """An identity's jobs, newest first, whole or only the ones once saved (see
        `job_history.identity_page`); `cursor` is the previous page's `next_cursor`."""
        return identity_page(
            self._client,
            self._table,
            identity_id,
            limit=limit,
            cursor=cursor,
            saved=saved,
            job_of=self._job,
        )

    def due_in_flight(self, *, before: int, limit: int = 100) -> list[str]:
        """Ids of the jobs in flight whose `due_at` is before `before`, oldest first."""
        ids: list[str] = []
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": IN_FLIGHT_INDEX,
            "KeyConditionExpression": "in_flight = :job AND due_at < :before",
            "ExpressionAttributeValues": {":job": {"S": IN_FLIGHT}, ":before": {"N": str(before)}},
        }
        while len(ids) < limit:
            answer = self._client.query(**query, Limit=limit - len(ids))
            ids += [item["job_id"]["S"] for item in answer.get("Items", [])]
            last = answer.get("LastEvaluatedKey")
            if not last:
                break
            query["ExclusiveStartKey"] = last
        return ids

    def outputs(self, job_ids: Collection[str]) -> dict[str, JobOutput]:
        """Each job's stored output, by BatchGetItem: up to 100 jobs a call, the output
        only, eventually consistent (half the read units; an output, once written, does
        not change). Keys DynamoDB leaves unprocessed (throttling) are asked again a few
        times, then left out: a listing without a preview beats one that fails."""
        ids = sorted(set(job_ids))  # BatchGetItem refuses a key named twice
        found: dict[str, JobOutput] = {}
        for start in range(0, len(ids), BATCH_GET_MAX_KEYS):
            keys = [{"job_id": {"S": job_id}} for job_id in ids[start : start + BATCH_GET_MAX_KEYS]]
            request: dict[str, Any] = {
                self._table: {
                    "Keys": keys,
                    "ProjectionExpression": "job_id, #output",
                    "ExpressionAttributeNames": {"#output": "output"},
                }
            }
            for retry in range(BATCH_GET_RETRIES + 1):
                if retry:
                    time.sleep(BATCH_GET_BACKOFF_S * 2 ** (retry - 1))
                answer = self._client.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table, []):
                    values = plain(from_item(item))
                    if values.get("output"):
                        found[values["job_id"]] = JobOutput.model_validate(values["output"])
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
        return found

    # --- writes -------------------------------------------------------------------------
    def create(self, job: Job) -> None:
        # Unset fields are left out, not stored as NULL: `if_not_exists(started_at, …)`
        # in `claim` only fills an attribute that is absent.
        self._client.put_item(
            TableName=self._table,
            Item=self._new_item(job),
            ConditionExpression="attribute_not_exists(job_id)",
        )

    def _new_item(self, job: Job) -> dict[str, Any]:
        item = {k: v for k, v in to_item(self._record(job)).items() if "NULL" not in v}
        item["expires_at"] = {"N": str(int((job.created_at + self._ttl).timestamp()))}
        if not job.is_terminal:
            # Its message may be delayed (at most SQS's 15 minutes) and wait its turn.
            item["in_flight"] = {"S": IN_FLIGHT}
            item["due_at"] = {"N": str(self._due(job.created_at, MAX_DELAY_S))}
        return item

    def create_many(self, jobs: list[Job]) -> None:
        """Write several new jobs in one transaction: all of them or none (at most 100)."""
        if len(jobs) == 1:
            self.create(jobs[0])
            return
        self._client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": self._new_item(job),
                        "ConditionExpression": "attribute_not_exists(job_id)",
                    }
                }
                for job in jobs
            ]
        )

    def cancel(self, job: Job) -> Job | None:
        """queued -> canceled (None if it is not queued any more). An apply asked for
        with the job is failed with it: there will be no image to apply."""
        now = format_timestamp(utc_now())
        values: dict[str, Any] = {":canceled": "canceled", ":queued": "queued", ":now": now}
        names = {"#stage": "stage"}
        apply_expr = _no_image_to_apply(job, "was canceled", values, names)
        return self._update(
            job.id,
            "SET #status = :canceled, updated_at = :now, canceled_at = :now, "
            "finished_at = :now, next_attempt_at = :null"
            + apply_expr
            + " REMOVE lease_expires_at, #stage, stage_started_at, in_flight, due_at",
            "#status = :queued",
            {**values, ":null": None},
            names=names,
        )

    def create_once(self, job: Job) -> bool:
        """`create`, but a job with this id already there is not an error: False."""
        try:
            self.create(job)
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def set_reference_keys(self, job: Job, keys: list[str]) -> Job | None:
        """Record the references a running job (this claim) resolved at run time."""
        return self._update(
            job.id,
            "SET reference_keys = :keys, updated_at = :now",
            "#status = :running AND attempts = :attempts",
            {
                ":keys": keys,
                ":running": "running",
                ":attempts": job.attempts,
                ":now": format_timestamp(utc_now()),
            },
        )

    def claim(self, job_id: str, *, now: datetime | None = None) -> Job | None:
        """queued (or running with a lapsed lease) -> running, with a fresh lease; None if
        someone else has it or it is finished. A queued job waiting to be tried again is
        claimed only once its `next_attempt_at` has come (`Job.due_for_claim`, written as a
        condition): a duplicate delivery during the wait must not call Gemini at once (the
        worker queues a copy delayed until the try is due).
        """
        now = now or utc_now()
        retry_due = format_timestamp(latest_retry_claimable(now))
        return self._update(
            job_id,
            "SET #status = :running, lease_expires_at = :lease, attempts = attempts + :one, "
            "updated_at = :now, started_at = if_not_exists(started_at, :now), "
            "in_flight = :in_flight, due_at = :lease, next_attempt_at = :null",
            "(#status = :queued AND (attribute_not_exists(next_attempt_at) "
            "OR attribute_type(next_attempt_at, :null_type) OR next_attempt_at <= :retry_due)) "
            "OR (#status = :running AND lease_expires_at < :epoch)",
            {
                ":in_flight": IN_FLIGHT,
                ":running": "running",
                ":queued": "queued",
                ":lease": self._due(now),
                ":epoch": int(now.timestamp()),
                ":one": 1,
                ":now": format_timestamp(now),
                ":null": None,
                ":null_type": "NULL",
                ":retry_due": retry_due,
            },
        )

    def set_stage(self, job: Job, stage: str, *, now: datetime | None = None) -> Job | None:
        """Record the stage a running job (this claim) entered, and since when."""
        return self._update(
            job.id,
            "SET #stage = :stage, stage_started_at = :now, updated_at = :now",
            "#status = :running AND attempts = :attempts",
            {
                ":stage": stage,
                ":running": "running",
                ":attempts": job.attempts,
                ":now": format_timestamp(now or utc_now()),
            },
            names={"#stage": "stage"},
        )

    def set_applying(self, job: Job) -> Job | None:
        """A try of a succeeded job's apply (this request) starts: stage `applying`, one
        more try counted (`apply.tries`; a record older than the count has none yet), and
        the try's lease as `lease_expires_at` and as the apply's `due_at`. A claim, as a
        run's: None if the apply is no longer pending, another request took over, or
        another try's lease still runs (`hold_apply` and `finish_apply` end it)."""
        moment = utc_now()
        now = format_timestamp(moment)
        return self._update(
            job.id,
            "SET #stage = :stage, stage_started_at = :now, updated_at = :now, due_at = :due, "
            "lease_expires_at = :due, #apply.tries = if_not_exists(#apply.tries, :zero) + :one",
            "#status = :succeeded AND #apply.#status = :pending AND #apply.attempt = :attempt "
            "AND (attribute_not_exists(lease_expires_at) OR lease_expires_at < :epoch)",
            {
                ":stage": "applying",
                ":succeeded": "succeeded",
                ":pending": "pending",
                ":attempt": job.apply.attempt,
                ":now": now,
                ":due": self._due(moment),
                ":epoch": int(moment.timestamp()),
                ":zero": 0,
                ":one": 1,
            },
            names={"#stage": "stage", "#apply": "apply"},
        )

    def requeue(
        self,
        job: Job,
        *,
        retry_in_s: int = 0,
        error: JobError | None = None,
        next_attempt_at: datetime | None = None,
        usage: JobUsage | None = None,
    ) -> Job | None:
        """Give a claimed job back (a retryable failure); SQS brings the message back in
        `retry_in_s`. `error` and `next_attempt_at` tell a client why it waits and until
        when; `usage`, what its tries were billed for so far (None: as it was)."""
        now = utc_now()
        values: dict[str, Any] = {
            ":queued": "queued",
            ":running": "running",
            ":attempts": job.attempts,
            ":now": format_timestamp(now),
            ":due": self._due(now, retry_in_s),
            ":error": error.model_dump(mode="json") if error else None,
            ":next": format_timestamp(next_attempt_at) if next_attempt_at else None,
        }
        names = {"#stage": "stage"}
        usage_expr = ""
        if usage is not None:
            values[":usage"] = usage.model_dump(mode="json")
            usage_expr = ", #usage = :usage"
            names["#usage"] = "usage"
        return self._update(
            job.id,
            "SET #status = :queued, updated_at = :now, due_at = :due, last_error = :error, "
            "next_attempt_at = :next"
            + usage_expr
            + " REMOVE lease_expires_at, #stage, stage_started_at",
            "#status = :running AND attempts = :attempts",
            values,
            names=names,
        )

    def requeue_lapsed(
        self, job: Job, *, now: datetime | None = None, lapsed_before: int | None = None
    ) -> Job | None:
        """A job in flight (as read) whose `due_at` is before `lapsed_before` (default:
        now) -> queued, due again, without the stage its dead worker left (a queued job
        has none); the caller then sends its message. None if it moved in between."""
        now = now or utc_now()
        return self._update(
            job.id,
            "SET #status = :queued, updated_at = :now, due_at = :due "
            "REMOVE lease_expires_at, #stage, stage_started_at",
            "#status = :from AND attempts = :attempts "
            "AND (attribute_not_exists(due_at) OR due_at < :epoch)",
            {
                ":queued": "queued",
                ":from": job.status,
                ":attempts": job.attempts,
                ":now": format_timestamp(now),
                ":due": self._due(now),
                ":epoch": int(now.timestamp()) if lapsed_before is None else lapsed_before,
            },
            names={"#stage": "stage"},
        )

    def reopen(self, job: Job) -> Job | None:
        """An operator's redrive: failed (as read) -> queued, its attempts kept, its apply
        pending again if it failed only because the generation did. The caller sends
        the message."""
        now = utc_now()
        values: dict[str, Any] = {
            ":queued": "queued",
            ":failed": "failed",
            ":attempts": job.attempts,
            ":now": format_timestamp(now),
            ":null": None,
            ":in_flight": IN_FLIGHT,
            ":due": self._due(now),
        }
        update = (
            "SET #status = :queued, #error = :null, updated_at = :now, in_flight = :in_flight, "
            "due_at = :due"
        )
        names = {"#error": "error"}
        apply_error = job.apply.error
        if (
            job.apply.status == "failed"
            and apply_error is not None
            and apply_error.code == ErrorCode.GENERATION_NOT_READY.value
        ):
            update += ", #apply.#status = :pending, #apply.#error = :null"
            values[":pending"] = "pending"
            names["#apply"] = "apply"
        return self._update(
            job.id,
            update + " REMOVE finished_at, lease_expires_at",
            "#status = :failed AND attempts = :attempts",
            values,
            names=names,
        )

    def succeed(
        self,
        job: Job,
        *,
        output: JobOutput,
        usage: JobUsage | None,
        model: str | None,
        timings: StageTimings | None = None,
        prepared_references: list[PreparedReferenceInfo] | None = None,
        now: datetime | None = None,
        apply_queued: bool = False,
    ) -> Job | None:
        """The state `job` was read in (a running claim; or, for the reaper, a job out of
        tries, queued or running) -> succeeded. An apply pending stays in flight, with its
        lease starting now (and `queued_at` now when `apply_queued`: the caller sends it a
        message of its own, not the job's); otherwise the job leaves the `in_flight`
        index."""
        if job.status not in ("queued", "running"):  # a finished job never changes
            return None
        moment = now or utc_now()
        finished = format_timestamp(moment)
        refs = [
            ref.model_dump(mode="json", exclude={"preview_url"})
            for ref in prepared_references or []
        ]
        values: dict[str, Any] = {
            ":succeeded": "succeeded",
            ":from": job.status,
            ":attempts": job.attempts,
            ":output": output.model_dump(mode="json", exclude=set(OUTPUT_URL_FIELDS)),
            ":usage": usage.model_dump(mode="json") if usage else None,
            ":model": model,
            ":null": None,
            ":now": finished,
            ":timings": (timings or job.timings).model_dump(mode="json"),
            ":refs": refs,
        }
        names = {
            "#output": "output",
            "#usage": "usage",
            "#model": "model",
            "#error": "error",
            "#stage": "stage",
        }
        if job.apply.status == "pending":
            values[":due"] = self._due(moment)
            tail = ", due_at = :due REMOVE lease_expires_at, #stage, stage_started_at"
            if apply_queued:
                names["#apply"] = "apply"
                tail = ", #apply.queued_at = :now" + tail
        else:
            tail = " REMOVE lease_expires_at, #stage, stage_started_at, in_flight, due_at"
        return self._update(
            job.id,
            "SET #status = :succeeded, #output = :output, #usage = :usage, #model = :model, "
            "#error = :null, updated_at = :now, finished_at = :now, timings = :timings, "
            "prepared_references = :refs, next_attempt_at = :null" + tail,
            "#status = :from AND attempts = :attempts",
            values,
            names=names,
        )

    def fail(
        self,
        job: Job,
        error: JobError,
        *,
        timings: StageTimings | None = None,
        usage: JobUsage | None = None,
    ) -> Job | None:
        """The state `job` was read in (a running claim, or a queued job that could not be
        queued) -> failed, with what its Gemini call was billed for when it answered without
        an image (`usage`). A job with an apply pending gets it failed too."""
        if job.status not in ("queued", "running"):  # a finished job never changes
            return None
        now = format_timestamp(utc_now())
        values: dict[str, Any] = {
            ":failed": "failed",
            ":from": job.status,
            ":attempts": job.attempts,
            ":error": error.model_dump(mode="json"),
            ":now": now,
            ":timings": (timings or job.timings).model_dump(mode="json"),
            ":null": None,
        }
        names = {"#error": "error", "#stage": "stage"}
        usage_expr = ""
        if usage is not None:
            values[":usage"] = usage.model_dump(mode="json")
            usage_expr = ", #usage = :usage"
            names["#usage"] = "usage"
        apply_expr = _no_image_to_apply(job, "failed", values, names)
        return self._update(
            job.id,
            "SET #status = :failed, #error = :error, updated_at = :now, finished_at = :now, "
            "timings = :timings, next_attempt_at = :null"
            + usage_expr
            + apply_expr
            + " REMOVE lease_expires_at, #stage, stage_started_at, in_flight, due_at",
            "#status = :from AND attempts = :attempts",
            values,
            names=names,
        )

    def request_apply(self, job_id: str, *, asked_at: datetime | None = None) -> Job | None:
        """A new apply request for a succeeded job that has none pending (None otherwise).
        The apply is in flight, with a lease like a running job's, and its tries counted
        from 0. `asked_at` is when it was decided (`requested_at`, by which the newest
        decision wins): now, unless an earlier decision is sent again."""
        now = utc_now()
        return self._update(
            job_id,
            "SET #apply.#status = :pending, #apply.attempt = #apply.attempt + :one, "
            "#apply.#error = :null, #apply.requested_at = :asked, #apply.queued_at = :now, "
            "#apply.tries = :zero, updated_at = :now, in_flight = :in_flight, due_at = :due",
            "#status = :succeeded AND #apply.#status <> :pending",
            {
                ":pending": "pending",
                ":succeeded": "succeeded",
                ":zero": 0,
                ":one": 1,
                ":null": None,
                ":now": format_timestamp(now),
                ":asked": format_timestamp(asked_at or now),
                ":in_flight": IN_FLIGHT,
                ":due": self._due(now),
            },
            names={"#apply": "apply", "#error": "error"},
        )

    def renew_apply(
        self, job: Job, *, now: datetime | None = None, lapsed_before: int | None = None
    ) -> Job | None:
        """The pending apply (this request) whose lease lapsed (`due_at` before
        `lapsed_before`, default now): a fresh lease, for the message the caller sends now
        (`queued_at`). None if its lease still runs or it moved on."""
        now = now or utc_now()
        return self._update(
            job.id,
            "SET updated_at = :now, in_flight = :in_flight, due_at = :due, #apply.queued_at = :now",
            "#status = :succeeded AND #apply.#status = :pending AND #apply.attempt = :attempt "
            "AND (attribute_not_exists(due_at) OR due_at < :epoch)",
            {
                ":succeeded": "succeeded",
                ":pending": "pending",
                ":attempt": job.apply.attempt,
                ":now": format_timestamp(now),
                ":in_flight": IN_FLIGHT,
                ":due": self._due(now),
                ":epoch": int(now.timestamp()) if lapsed_before is None else lapsed_before,
            },
            names={"#apply": "apply"},
        )

    def hold_apply(self, job: Job, *, retry_in_s: int) -> Job | None:
        """The pending apply's try ended, and it waits `retry_in_s` for its next: the apply's
        lease (`due_at`) covers the wait, and the try's (`lease_expires_at`) is over, so the
        message that comes back after the wait is not held off."""
        now = utc_now()
        return self._update(
            job.id,
            "SET updated_at = :now, due_at = :due REMOVE lease_expires_at",
            "#apply.#status = :pending AND #apply.attempt = :attempt",
            {
                ":pending": "pending",
                ":attempt": job.apply.attempt,
                ":now": format_timestamp(now),
                ":due": self._due(now, retry_in_s),
            },
            names={"#apply": "apply"},
        )

    def untrack(self, job: Job) -> None:
        """Take a job (in the status it was read in) that nothing is in flight for out of
        the `in_flight` index."""
        self._update(
            job.id, "REMOVE in_flight, due_at", "#status = :status", {":status": job.status}
        )

    def finish_apply(
        self,
        job: Job,
        *,
        error: JobError | None,
        superseded: bool = False,
        applying_s: float | None = None,
    ) -> Job | None:
        """pending (this apply request) -> applied, or failed with `error`, or
        `superseded` (the host holds a newer decision; `error` says which)."""
        now = format_timestamp(utc_now())
        values: dict[str, Any] = {
            ":pending": "pending",
            ":attempt": job.apply.attempt,
            ":now": now,
            ":error": error.model_dump(mode="json") if error else None,
            ":timings": job.timings.model_copy(
                update={"applying_s": applying_s} if applying_s is not None else {}
            ).model_dump(mode="json"),
        }
        if error is None:
            values[":applied"] = "applied"
            update = "SET #apply.#status = :applied, #apply.applied_at = :now, "
        else:
            values[":failed"] = "superseded" if superseded else "failed"
            update = "SET #apply.#status = :failed, "
        return self._update(
            job.id,
            update + "#apply.#error = :error, updated_at = :now, timings = :timings "
            "REMOVE #stage, stage_started_at, in_flight, due_at, lease_expires_at",
            "#apply.#status = :pending AND #apply.attempt = :attempt",
            values,
            names={"#apply": "apply", "#error": "error", "#stage": "stage"},
        )

    # --- helpers ------------------------------------------------------------------------
    def _update(
        self,
        job_id: str,
        update: str,
        condition: str,
        values: dict[str, Any],
        *,
        names: dict[str, str] | None = None,
    ) -> Job | None:
        try:
            answer = self._client.update_item(
                TableName=self._table,
                Key={"job_id": {"S": job_id}},
                UpdateExpression=update,
                ConditionExpression=f"attribute_exists(job_id) AND ({condition})",
                ExpressionAttributeNames={"#status": "status", **(names or {})},
                ExpressionAttributeValues={k: to_value(v) for k, v in values.items()},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return None
            raise
        return self._job(answer["Attributes"])

    @staticmethod
    def _record(job: Job) -> dict[str, Any]:
        record = job.model_dump(mode="json", exclude={"id"})
        if record.get("output"):
            for name in OUTPUT_URL_FIELDS:
                record["output"].pop(name, None)
        for reference in record.get("prepared_references") or []:
            reference.pop("preview_url", None)
        record["job_id"] = job.id
        return record

    @staticmethod
    def _job(item: dict[str, Any]) -> Job:
        values = plain(from_item(item))
        values["id"] = values.pop("job_id")
        return Job.model_validate(values)
