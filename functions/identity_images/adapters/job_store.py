"""The jobs table (DynamoDB).

Partition key `job_id`; GSI `by_identity` (`identity_id`, `created_at`, projection ALL)
for an identity's history; TTL attribute `expires_at` (epoch seconds).

Every state change is a conditional write: `claim` only takes a queued job or one whose
lease ran out, and `succeed` / `fail` / `requeue` only touch the job while the caller's
claim (its `attempts` number) still holds it, so two deliveries of one message cannot both
run it and a finished job never goes back.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from identity_images.adapters import aws
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
    utc_now,
)
from identity_images.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

IDENTITY_INDEX = "by_identity"
_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()


def _to_item(values: dict[str, Any]) -> dict[str, Any]:
    # DynamoDB wants Decimal, never float: go through JSON once.
    plain = json.loads(json.dumps(values), parse_float=Decimal)
    return {k: _SERIALIZER.serialize(v) for k, v in plain.items()}


def _value(value: Any) -> Any:
    return _SERIALIZER.serialize(json.loads(json.dumps(value), parse_float=Decimal))


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _DESERIALIZER.deserialize(v) for k, v in item.items()}


def _plain(value: Any) -> Any:
    """Decimals back to int/float, for the cursor's JSON."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _is_conditional_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


@dataclass(frozen=True)
class JobPage:
    jobs: list[Job]
    next_cursor: str | None


class JobStore:
    def __init__(self, client: DynamoDBClient, table_name: str, ttl_days: int) -> None:
        self._client = client
        self._table = table_name
        self._ttl = timedelta(days=ttl_days)

    @classmethod
    def from_settings(cls, settings: Settings) -> JobStore:
        return cls(aws.dynamodb(), settings.jobs_table_name, settings.job_ttl_days)

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
        self, identity_id: str, *, limit: int, cursor: str | None = None
    ) -> JobPage:
        """An identity's jobs, newest first; `cursor` is the previous page's `next_cursor`."""
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": IDENTITY_INDEX,
            "KeyConditionExpression": "identity_id = :identity",
            "ExpressionAttributeValues": {":identity": {"S": identity_id}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            query["ExclusiveStartKey"] = self._decode_cursor(cursor, identity_id)
        answer = self._client.query(**query)
        last = answer.get("LastEvaluatedKey")
        return JobPage(
            jobs=[self._job(item) for item in answer.get("Items", [])],
            next_cursor=self._encode_cursor(last) if last else None,
        )

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
        item = {k: v for k, v in _to_item(self._record(job)).items() if "NULL" not in v}
        item["expires_at"] = {"N": str(int((job.created_at + self._ttl).timestamp()))}
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
        apply_expr = ""
        if job.apply.status == "pending":
            apply_expr = ", #apply.#status = :failed, #apply.#error = :apply_error"
            values[":failed"] = "failed"
            values[":apply_error"] = JobError(
                code=ErrorCode.GENERATION_NOT_READY.value,
                message="The generation was canceled, so there is no image to apply.",
            ).model_dump(mode="json")
        names = {"#stage": "stage"}
        if apply_expr:
            names.update({"#apply": "apply", "#error": "error"})
        return self._update(
            job.id,
            "SET #status = :canceled, updated_at = :now, canceled_at = :now, "
            "finished_at = :now, next_attempt_at = :null"
            + apply_expr
            + " REMOVE lease_expires_at, #stage, stage_started_at",
            "#status = :queued",
            {**values, ":null": None},
            names=names,
        )

    def create_once(self, job: Job) -> bool:
        """`create`, but a job with this id already there is not an error: False."""
        try:
            self.create(job)
        except ClientError as error:
            if _is_conditional_failure(error):
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

    def claim(self, job_id: str, *, lease_s: int, now: datetime | None = None) -> Job | None:
        """queued (or running with a lapsed lease) -> running; None if someone else has it
        or it is finished."""
        now = now or utc_now()
        return self._update(
            job_id,
            "SET #status = :running, lease_expires_at = :lease, attempts = attempts + :one, "
            "updated_at = :now, started_at = if_not_exists(started_at, :now), "
            "next_attempt_at = :null",
            "#status = :queued OR (#status = :running AND lease_expires_at < :epoch)",
            {
                ":running": "running",
                ":queued": "queued",
                ":lease": int(now.timestamp()) + lease_s,
                ":epoch": int(now.timestamp()),
                ":one": 1,
                ":now": format_timestamp(now),
                ":null": None,
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
        """A succeeded job whose apply (this request) is being sent: stage `applying`."""
        now = format_timestamp(utc_now())
        return self._update(
            job.id,
            "SET #stage = :stage, stage_started_at = :now, updated_at = :now",
            "#status = :succeeded AND #apply.#status = :pending AND #apply.attempt = :attempt",
            {
                ":stage": "applying",
                ":succeeded": "succeeded",
                ":pending": "pending",
                ":attempt": job.apply.attempt,
                ":now": now,
            },
            names={"#stage": "stage", "#apply": "apply"},
        )

    def requeue(
        self,
        job: Job,
        *,
        error: JobError | None = None,
        next_attempt_at: datetime | None = None,
    ) -> Job | None:
        """Give a claimed job back (a retryable failure); SQS brings the message back.
        `error` and `next_attempt_at` tell a client why it waits and until when."""
        return self._update(
            job.id,
            "SET #status = :queued, updated_at = :now, last_error = :error, "
            "next_attempt_at = :next REMOVE lease_expires_at, #stage, stage_started_at",
            "#status = :running AND attempts = :attempts",
            {
                ":queued": "queued",
                ":running": "running",
                ":attempts": job.attempts,
                ":now": format_timestamp(utc_now()),
                ":error": error.model_dump(mode="json") if error else None,
                ":next": format_timestamp(next_attempt_at) if next_attempt_at else None,
            },
            names={"#stage": "stage"},
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
    ) -> Job | None:
        finished = format_timestamp(now or utc_now())
        refs = [
            ref.model_dump(mode="json", exclude={"preview_url"})
            for ref in prepared_references or []
        ]
        return self._update(
            job.id,
            "SET #status = :succeeded, #output = :output, #usage = :usage, #model = :model, "
            "#error = :null, updated_at = :now, finished_at = :now, timings = :timings, "
            "prepared_references = :refs, next_attempt_at = :null "
            "REMOVE lease_expires_at, #stage, stage_started_at",
            "#status = :running AND attempts = :attempts",
            {
                ":succeeded": "succeeded",
                ":running": "running",
                ":attempts": job.attempts,
                ":output": output.model_dump(mode="json", exclude=set(OUTPUT_URL_FIELDS)),
                ":usage": usage.model_dump(mode="json") if usage else None,
                ":model": model,
                ":null": None,
                ":now": finished,
                ":timings": (timings or job.timings).model_dump(mode="json"),
                ":refs": refs,
            },
            names={
                "#output": "output",
                "#usage": "usage",
                "#model": "model",
                "#error": "error",
                "#stage": "stage",
            },
        )

    def fail(self, job: Job, error: JobError, *, timings: StageTimings | None = None) -> Job | None:
        """The state `job` was read in (a running claim, or a queued job that could not be
        queued) -> failed. A job with an apply pending gets it failed too."""
        if job.status not in ("queued", "running"):  # a finished job never changes
            return None
        now = format_timestamp(utc_now())
        apply_expr = ""
        values: dict[str, Any] = {
            ":failed": "failed",
            ":from": job.status,
            ":attempts": job.attempts,
            ":error": error.model_dump(mode="json"),
            ":now": now,
            ":timings": (timings or job.timings).model_dump(mode="json"),
            ":null": None,
        }
        if job.apply.status == "pending":
            apply_expr = ", #apply.#status = :failed, #apply.#error = :apply_error"
            values[":apply_error"] = JobError(
                code=ErrorCode.GENERATION_NOT_READY.value,
                message="The generation failed, so there is no image to apply.",
            ).model_dump(mode="json")
        names = {"#error": "error", "#stage": "stage"}
        if apply_expr:
            names["#apply"] = "apply"
        return self._update(
            job.id,
            "SET #status = :failed, #error = :error, updated_at = :now, finished_at = :now, "
            "timings = :timings, next_attempt_at = :null"
            + apply_expr
            + " REMOVE lease_expires_at, #stage, stage_started_at",
            "#status = :from AND attempts = :attempts",
            values,
            names=names,
        )

    def request_apply(self, job_id: str) -> Job | None:
        """A new apply request for a succeeded job that has none pending (None otherwise)."""
        return self._update(
            job_id,
            "SET #apply.#status = :pending, #apply.attempt = #apply.attempt + :one, "
            "#apply.#error = :null, updated_at = :now",
            "#status = :succeeded AND #apply.#status <> :pending",
            {
                ":pending": "pending",
                ":succeeded": "succeeded",
                ":one": 1,
                ":null": None,
                ":now": format_timestamp(utc_now()),
            },
            names={"#apply": "apply", "#error": "error"},
        )

    def finish_apply(
        self, job: Job, *, error: JobError | None, applying_s: float | None = None
    ) -> Job | None:
        """pending (this apply request) -> applied, or failed with `error`."""
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
            values[":failed"] = "failed"
            update = "SET #apply.#status = :failed, "
        return self._update(
            job.id,
            update + "#apply.#error = :error, updated_at = :now, timings = :timings "
            "REMOVE #stage, stage_started_at",
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
                ExpressionAttributeValues={k: _value(v) for k, v in values.items()},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if _is_conditional_failure(error):
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
        values = _plain(_from_item(item))
        values["id"] = values.pop("job_id")
        return Job.model_validate(values)

    @staticmethod
    def _encode_cursor(key: dict[str, Any]) -> str:
        raw = json.dumps(_plain(_from_item(key)), separators=(",", ":"), sort_keys=True)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @staticmethod
    def _decode_cursor(cursor: str, identity_id: str) -> dict[str, Any]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            key = json.loads(raw)
            valid = (
                isinstance(key, dict)
                and set(key) == {"job_id", "identity_id", "created_at"}
                and all(isinstance(v, str) for v in key.values())
                and key["identity_id"] == identity_id
            )
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise PipelineError(
                ErrorCode.VALIDATION_ERROR,
                "The cursor is not one this list handed out.",
                details={"field": "cursor"},
            )
        return {k: {"S": v} for k, v in key.items()}
