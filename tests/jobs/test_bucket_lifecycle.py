"""The local stack's bucket (`local_stack.aws_resources`, as the `resources` fixture
creates it): what its lifecycle rules expire, and after how long."""

from __future__ import annotations

from identity_images.adapters import aws
from identity_images.settings import Settings


def test_the_local_bucket_expires_prepared_references_after_their_jobs(
    settings: Settings,
) -> None:
    answer = aws.s3().get_bucket_lifecycle_configuration(Bucket=settings.bucket_name)
    rules = {rule["ID"]: rule for rule in answer["Rules"]}
    prepared = rules["expire-prepared-references"]
    assert prepared["Filter"]["Prefix"] == "prepared/"
    assert prepared["Expiration"]["Days"] > settings.job_ttl_days
    # Current objects expire under these two prefixes only (the other rule, from
    # infra/resource_spec.py as in the CDK app, ends old versions and delete markers).
    expiring = sorted(
        rule["Filter"]["Prefix"] for rule in rules.values() if "Days" in rule.get("Expiration", {})
    )
    assert expiring == ["prepared/", "uploads/"]
