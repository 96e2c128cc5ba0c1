"""Per-identity regeneration state, one item in the jobs table.

The item's key is `job_id = "regeneration#{identity_id}"` (never a job id: those are
`[A-Za-z0-9_-]`), and it has no `identity_id` / `created_at`, so it stays out of the
`by_identity` index and out of every job listing. It says which regeneration job is the
identity's current one and whether its message went out; every change is a conditional
write on `generation`, so two trigger invocations can never both start a job.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from identity_images.adapters import aws
from identity_images.adapters.dynamodb_items import is_conditional_failure
from identity_images.models.jobs import format_timestamp, utc_now
from identity_images.models.ports import RegenerationState, regeneration_job_id
from identity_images.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

KEY_PREFIX = "regeneration#"


def state_key(identity_id: str) -> str:
    return f"{KEY_PREFIX}{identity_id}"


__all__ = ["RegenerationState", "RegenerationStates", "regeneration_job_id", "state_key"]


class RegenerationStates:
    """State items expire (TTL `expires_at`) like the jobs they point at, counted from the
    identity's last new photo; a state that expired starts over with a new nonce."""

    def __init__(self, client: DynamoDBClient, table_name: str, ttl_days: int = 90) -> None:
        self._client = client
        self._table = table_name
        self._ttl = timedelta(days=ttl_days)

    @classmethod
    def from_settings(cls, settings: Settings) -> RegenerationStates:
        return cls(aws.dynamodb(settings), settings.jobs_table_name, settings.job_ttl_days)

    def get(self, identity_id: str) -> RegenerationState | None:
        answer = self._client.get_item(
            TableName=self._table,
            Key={"job_id": {"S": state_key(identity_id)}},
            ConsistentRead=True,
        )
        item = answer.get("Item")
        if not item:
            return None
        return RegenerationState(
            identity_id=item["target_identity_id"]["S"],
            nonce=item["nonce"]["S"],
            generation=int(item["generation"]["N"]),
            current_job_id=item["current_job_id"]["S"] if "current_job_id" in item else None,
            message_sent=bool(item.get("message_sent", {}).get("BOOL", False)),
        )

    def advance(self, new: RegenerationState, *, previous: RegenerationState | None) -> bool:
        """Write `new` only if the stored state is still `previous` (None: no item yet).
        False when another invocation got there first."""
        # No item yet, or still the generation this invocation read.
        condition = "attribute_not_exists(job_id) OR generation = :previous"
        values = {":previous": {"N": str(previous.generation if previous else -1)}}
        now = utc_now()
        item: dict[str, Any] = {
            "job_id": {"S": state_key(new.identity_id)},
            "kind": {"S": "regeneration_state"},
            "target_identity_id": {"S": new.identity_id},
            "nonce": {"S": new.nonce},
            "generation": {"N": str(new.generation)},
            "message_sent": {"BOOL": new.message_sent},
            "updated_at": {"S": format_timestamp(now)},
            "expires_at": {"N": str(int((now + self._ttl).timestamp()))},
        }
        if new.current_job_id:
            item["current_job_id"] = {"S": new.current_job_id}
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def mark_sent(self, state: RegenerationState) -> None:
        """The current job's message went out (a no-op if the state moved on)."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"job_id": {"S": state_key(state.identity_id)}},
                UpdateExpression="SET message_sent = :true, updated_at = :now",
                ConditionExpression="generation = :generation",
                ExpressionAttributeValues={
                    ":true": {"BOOL": True},
                    ":generation": {"N": str(state.generation)},
                    ":now": {"S": format_timestamp(utc_now())},
                },
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
