"""An identity's history in the jobs table: its `by_identity` index (`identity_id`,
`created_at`) read newest first, a page at a time, whole or only the jobs once saved (the
Images tab's Saved view), with the opaque cursor of `job_cursor`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from identity_images.adapters.job_cursor import decode_cursor, encode_cursor
from identity_images.models.jobs import Job, format_timestamp
from identity_images.models.ports import JobPage

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

IDENTITY_INDEX = "by_identity"
#: A saved page's reads: each evaluates up to this many jobs, and a page makes at most
#: this many (a page of 20 saves reads on through 2,000 jobs never saved, some 10 MB of
#: DynamoDB reads, before it comes short).
SAVED_READ_ITEMS = 200
SAVED_PAGE_READS = 10


def identity_page(
    client: DynamoDBClient,
    table: str,
    identity_id: str,
    *,
    limit: int,
    cursor: str | None,
    saved: bool,
    job_of: Callable[[dict[str, Any]], Job],
) -> JobPage:
    """A page of `identity_id`'s jobs, newest first, after `cursor` (the previous page's
    `next_cursor`). `saved`: only the jobs whose image was saved to the identity at least
    once (an `apply.applied_at`). DynamoDB filters after it reads, so a saved page reads on
    until it holds `limit` jobs, for at most `SAVED_PAGE_READS` reads: a page may come
    short, even empty, with a `next_cursor` that reads on."""
    query: dict[str, Any] = {
        "TableName": table,
        "IndexName": IDENTITY_INDEX,
        "KeyConditionExpression": "identity_id = :identity",
        "ExpressionAttributeValues": {":identity": {"S": identity_id}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if cursor:
        query["ExclusiveStartKey"] = decode_cursor(cursor, identity_id)
    if not saved:
        answer = client.query(**query)
        last = answer.get("LastEvaluatedKey")
        return JobPage(
            jobs=[job_of(item) for item in answer.get("Items", [])],
            next_cursor=encode_cursor(last) if last else None,
        )
    # A job never saved holds `applied_at` too, as null.
    query |= {
        "FilterExpression": "attribute_type(#apply.applied_at, :string)",
        "ExpressionAttributeNames": {"#apply": "apply"},
        "ExpressionAttributeValues": {":identity": {"S": identity_id}, ":string": {"S": "S"}},
        "Limit": SAVED_READ_ITEMS,
    }
    jobs: list[Job] = []
    for _ in range(SAVED_PAGE_READS):
        answer = client.query(**query)
        items = answer.get("Items", [])
        room = limit - len(jobs)
        jobs += [job_of(item) for item in items[:room]]
        if len(items) > room or (len(items) == room and answer.get("LastEvaluatedKey")):
            # Full: the next page starts after its last job.
            return JobPage(jobs=jobs, next_cursor=encode_cursor(_index_key(jobs[-1])))
        last = answer.get("LastEvaluatedKey")
        if not last:
            return JobPage(jobs=jobs, next_cursor=None)
        query["ExclusiveStartKey"] = last
    return JobPage(jobs=jobs, next_cursor=encode_cursor(query["ExclusiveStartKey"]))


def _index_key(job: Job) -> dict[str, Any]:
    """`job`'s key in the `by_identity` index: a page's `ExclusiveStartKey` after it."""
    return {
        "job_id": {"S": job.id},
        "identity_id": {"S": job.identity_id},
        "created_at": {"S": format_timestamp(job.created_at)},
    }
