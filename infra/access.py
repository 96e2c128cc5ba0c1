"""Least-privilege policy statements: exact actions on exact resources.

The L2 `grant_*` helpers hand out action wildcards (`s3:GetObject*`, `s3:List*`) on the
whole bucket; the pipeline's roles get only the actions the code calls, on the prefixes
it touches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aws_cdk import CfnElement, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

#: What the job store and the regeneration state call on items: nothing is deleted (items
#: expire by TTL) and nothing is condition-checked outside an update.
TABLE_READ_WRITE = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
#: The API also reads the jobs of a user's identities' images in batches (their previews).
JOBS_FOR_THE_API = (*TABLE_READ_WRITE, "dynamodb:BatchGetItem")
#: Powertools Idempotency also deletes the record of a call that failed.
IDEMPOTENCY_RECORDS = (*TABLE_READ_WRITE, "dynamodb:DeleteItem")


def objects(
    bucket: s3.IBucket, actions: Sequence[str], prefixes: Iterable[str]
) -> iam.PolicyStatement:
    """`actions` on the objects under each prefix, nothing else in the bucket."""
    return iam.PolicyStatement(
        actions=list(actions),
        resources=[bucket.arn_for_objects(f"{prefix}*") for prefix in prefixes],
    )


def list_prefixes(bucket: s3.IBucket, prefixes: Iterable[str]) -> iam.PolicyStatement:
    """ListBucket, limited to keys under the prefixes (so HeadObject can answer 404)."""
    return iam.PolicyStatement(
        actions=["s3:ListBucket"],
        resources=[bucket.bucket_arn],
        conditions={"StringLike": {"s3:prefix": [f"{prefix}*" for prefix in prefixes]}},
    )


def table_read_write(
    table: dynamodb.ITable, actions: Sequence[str] = TABLE_READ_WRITE
) -> iam.PolicyStatement:
    """Item reads and writes on the table (no Query, no DeleteItem unless asked)."""
    return iam.PolicyStatement(actions=list(actions), resources=[table.table_arn])


def index_query(table: dynamodb.ITable, indexes: Iterable[str]) -> iam.PolicyStatement:
    """Query on the named indexes only (the history), not on the table."""
    return iam.PolicyStatement(
        actions=["dynamodb:Query"],
        resources=[f"{table.table_arn}/index/{index}" for index in indexes],
    )


def nag_arn_ref(bucket: s3.IBucket) -> str:
    """How cdk-nag spells the bucket's ARN in a finding id: `<LogicalId.Arn>` for a
    bucket of this stack, `arn:<AWS::Partition>:s3:::name` for an imported one."""
    cfn = bucket.node.default_child
    if not isinstance(cfn, CfnElement):
        return f"arn:<AWS::Partition>:s3:::{bucket.bucket_name}"
    logical_id = Stack.of(bucket).resolve(cfn.logical_id)
    return f"<{logical_id}.Arn>"
