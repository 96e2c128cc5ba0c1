"""The trigger: moto's S3 notifications, received from the regeneration queue, through
`handlers.trigger.handler`; jobs and job messages checked in DynamoDB and SQS."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import unquote_plus

import pytest

from identity_images.adapters import aws
from identity_images.adapters.job_store import JobStore
from identity_images.adapters.regeneration_state import RegenerationState, RegenerationStates
from identity_images.errors import ErrorCode, PipelineError
from identity_images.handlers import trigger as trigger_handler
from identity_images.logic.regeneration import Decision, ReferenceCreated, Regenerator
from identity_images.models.jobs import utc_now
from identity_images.models.s3_events import ReferenceNotification
from identity_images.settings import Settings, get_settings
from local_stack import local_resources
from tests.regeneration.helpers import regeneration_jobs, s3_records, trigger
from tests.support.aws_state import bodies, messages_in, put_reference
from tests.support.fakes import (
    ADMIN_IDENTITY,
    OTHER_USER_ID,
    OTHER_USER_IDENTITY,
    TEST_USER_ID,
    TEST_USER_IDENTITY,
    FakeHost,
    jpeg_bytes,
)
from tests.support.lambdas import drain, receive_all

PREFIX = "references/identities/"
FOLDER = f"{PREFIX}{TEST_USER_IDENTITY}/"

pytestmark = pytest.mark.usefixtures("regenerator")


def upload_burst(count: int = 5, folder: str = FOLDER) -> list[str]:
    keys = [f"{folder}photo-{n}.jpg" for n in range(count)]
    for key in keys:
        put_reference(key, jpeg_bytes(64, 48))
    return keys


def job_messages() -> list[dict[str, Any]]:
    """The job messages sent (received and deleted)."""
    return bodies(drain(get_settings().jobs_queue_url or ""))


def test_configuring_the_notification_sends_a_test_event_that_changes_nothing(
    regeneration_queue: str,
) -> None:
    event = receive_all(regeneration_queue)
    (record,) = event["Records"]
    assert json.loads(record["body"])["Event"] == "s3:TestEvent"
    assert trigger(event, regeneration_queue) == []
    assert regeneration_jobs() == []
    assert messages_in(get_settings().jobs_queue_url or "") == 0


def test_a_burst_of_five_uploads_is_one_job(
    regeneration_queue: str, settings: Settings, host: FakeHost
) -> None:
    drain(regeneration_queue)  # the test event
    upload_burst(5)
    event = receive_all(regeneration_queue)
    assert len(s3_records(event)) == 5
    assert trigger(event, regeneration_queue) == []
    (job,) = regeneration_jobs()
    assert job.status == "queued"
    assert job.source == "s3_event"
    assert job.identity_id == TEST_USER_IDENTITY
    assert job.user_id == TEST_USER_ID == host.get_identity(TEST_USER_IDENTITY).user_id
    assert job.created_by == "system"
    assert job.identity_name == host.get_identity(TEST_USER_IDENTITY).name
    assert job.max_attempts == settings.worker_max_receive_count
    assert job.reference_keys == []  # read from the folder when the job runs
    assert job.prompt == settings.regeneration_prompt
    assert job.apply.status == "pending"  # REGENERATION_APPLY defaults to on
    assert (job.aspect_ratio, job.image_size) == (
        settings.default_aspect_ratio,
        settings.default_image_size,
    )
    assert job_messages() == [{"job_id": job.id, "action": "generate"}]
    assert messages_in(regeneration_queue) == 0


def test_the_job_message_waits_for_the_debounce_window(
    regeneration_queue: str, monkeypatch: pytest.MonkeyPatch, regenerator: Regenerator
) -> None:
    slow = regenerator.settings.model_copy(update={"regeneration_debounce_s": 300})
    slow_regenerator = replace(regenerator, settings=slow)
    monkeypatch.setattr(trigger_handler, "get_regenerator", lambda: slow_regenerator)
    drain(regeneration_queue)
    upload_burst(2)
    trigger(receive_all(regeneration_queue), regeneration_queue)
    jobs_queue = get_settings().jobs_queue_url or ""
    attributes = aws.sqs().get_queue_attributes(QueueUrl=jobs_queue, AttributeNames=["All"])[
        "Attributes"
    ]
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "1"
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert len(regeneration_jobs()) == 1


def test_duplicate_and_out_of_order_events_change_nothing(regeneration_queue: str) -> None:
    drain(regeneration_queue)
    upload_burst(3)
    event = receive_all(regeneration_queue)
    trigger(event, regeneration_queue)
    (job,) = regeneration_jobs()
    assert len(job_messages()) == 1
    # SQS delivers again, in another order: still that one job, no new message.
    replay = {"Records": list(reversed(event["Records"]))}
    assert trigger(replay, regeneration_queue) == []
    assert regeneration_jobs() == [job]
    assert messages_in(get_settings().jobs_queue_url or "") == 0


def test_a_late_duplicate_of_a_photo_the_started_job_saw_changes_nothing(
    regeneration_queue: str, settings: Settings
) -> None:
    drain(regeneration_queue)
    upload_burst(2)
    event = receive_all(regeneration_queue)
    trigger(event, regeneration_queue)
    (job,) = regeneration_jobs()
    job_messages()
    # The worker claimed it (listing the folder) a while after the uploads.
    store = JobStore.from_settings(settings)
    assert store.claim(job.id, now=utc_now() + timedelta(seconds=5)) is not None
    assert trigger(event, regeneration_queue) == []
    assert len(regeneration_jobs()) == 1
    assert messages_in(settings.jobs_queue_url or "") == 0


def test_an_upload_after_the_job_started_is_a_new_job(
    regeneration_queue: str, settings: Settings
) -> None:
    drain(regeneration_queue)
    upload_burst(2)
    trigger(receive_all(regeneration_queue), regeneration_queue)
    (first,) = regeneration_jobs()
    job_messages()
    store = JobStore.from_settings(settings)
    assert store.claim(first.id, now=utc_now() - timedelta(seconds=5)) is not None
    put_reference(f"{FOLDER}later.jpg", jpeg_bytes(64, 48))
    put_reference(f"{FOLDER}later-2.jpg", jpeg_bytes(64, 48))
    assert trigger(receive_all(regeneration_queue), regeneration_queue) == []
    jobs = regeneration_jobs()
    assert len(jobs) == 2
    assert jobs[0].id == first.id
    second = jobs[1]
    assert second.status == "queued"
    assert job_messages() == [{"job_id": second.id, "action": "generate"}]


def test_uploads_for_two_identities_are_two_jobs(regeneration_queue: str) -> None:
    drain(regeneration_queue)
    upload_burst(2)
    upload_burst(2, folder=f"references/identities/{ADMIN_IDENTITY}/")
    trigger(receive_all(regeneration_queue), regeneration_queue)
    assert sorted(j.identity_id for j in regeneration_jobs()) == sorted(
        [TEST_USER_IDENTITY, ADMIN_IDENTITY]
    )


def test_outputs_other_prefixes_empty_objects_and_non_images_are_ignored(
    regeneration_queue: str, settings: Settings
) -> None:
    # A catch-all notification as well, so moto really sends events for every key.
    sqs, s3 = aws.sqs(), aws.s3()
    everything = sqs.create_queue(QueueName="everything")["QueueUrl"]
    s3.put_bucket_notification_configuration(
        Bucket=settings.bucket_name,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": local_resources.queue_arn(sqs, everything),
                    "Events": ["s3:ObjectCreated:*"],
                },
                {
                    "QueueArn": local_resources.queue_arn(sqs, regeneration_queue),
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": PREFIX}]}},
                },
            ]
        },
    )
    drain(everything)
    put_reference(f"generated/identities/{TEST_USER_IDENTITY}/abc.png", jpeg_bytes(), "image/png")
    put_reference("uploads/1/up/1.jpg")
    put_reference(f"{FOLDER}empty.jpg", b"")
    put_reference(f"{FOLDER}notes.txt", b"hello", "text/plain")
    put_reference(f"{FOLDER}photo.jpg", b"%PDF-1.7", "application/pdf")
    put_reference(f"{FOLDER}nested/deeper.jpg")
    put_reference(f"{FOLDER}")  # a "folder" object
    event = receive_all(everything)
    assert len(s3_records(event)) == 7
    assert trigger(event, everything) == []
    assert regeneration_jobs() == []
    assert messages_in(settings.jobs_queue_url or "") == 0
    # And the real (prefix-filtered) notification never even heard of the outputs.
    heard = s3_records(receive_all(regeneration_queue))
    keys = [unquote_plus(record["s3"]["object"]["key"]) for record in heard]
    assert len(keys) == 5
    assert all(key.startswith(FOLDER) for key in keys)


def test_a_removal_changes_nothing(regeneration_queue: str, settings: Settings) -> None:
    s3 = aws.s3()
    upload_burst(1)
    drain(regeneration_queue)
    # The bucket notifies ObjectCreated only: a removal (on the versioned bucket, a
    # delete marker) sends nothing at all.
    s3.delete_object(Bucket=settings.bucket_name, Key=f"{FOLDER}photo-0.jpg")
    assert messages_in(regeneration_queue) == 0
    # Were it configured to, the trigger would still ignore it: the same record, renamed.
    put_reference(f"{FOLDER}again.jpg")
    event = receive_all(regeneration_queue)
    for record in event["Records"]:
        body = json.loads(record["body"])
        for item in body["Records"]:
            item["eventName"] = "ObjectRemoved:DeleteMarkerCreated"
        record["body"] = json.dumps(body)
    assert [r["eventName"] for r in s3_records(event)] == ["ObjectRemoved:DeleteMarkerCreated"]
    assert trigger(event, regeneration_queue) == []
    assert regeneration_jobs() == []


def test_a_key_is_decoded_and_a_name_outside_the_reference_rule_is_ignored(
    regeneration_queue: str,
) -> None:
    """S3 URL-encodes keys (`+` for a space). A name the references routes could not
    delete (a space, `+`, `%`, an emoji) is not a reference, here as everywhere."""
    drain(regeneration_queue)
    put_reference(f"{FOLDER}my photo (1).jpg")
    event = receive_all(regeneration_queue)
    assert "+" in s3_records(event)[0]["s3"]["object"]["key"]
    notification = ReferenceNotification.model_validate(event["Records"][0])
    assert notification.body.Records[0].object_key == f"{FOLDER}my photo (1).jpg"
    assert trigger(event, regeneration_queue) == []
    assert regeneration_jobs() == []
    put_reference(f"{FOLDER}my_photo-1.jpg")
    trigger(receive_all(regeneration_queue), regeneration_queue)
    assert len(regeneration_jobs()) == 1


def test_an_identity_unknown_to_django_is_ignored(regeneration_queue: str) -> None:
    drain(regeneration_queue)
    upload_burst(1, folder="references/identities/999/")
    assert trigger(receive_all(regeneration_queue), regeneration_queue) == []
    assert regeneration_jobs() == []
    assert RegenerationStates.from_settings(get_settings()).get("999") is None


def test_django_unavailable_fails_the_record_so_it_comes_back(
    regeneration_queue: str, host: FakeHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    drain(regeneration_queue)
    upload_burst(1)

    def unavailable(identity_id: str) -> Any:
        raise PipelineError(ErrorCode.HOST_UNAVAILABLE, "down", retryable=True)

    available = host.get_identity
    monkeypatch.setattr(host, "get_identity", unavailable)
    event = receive_all(regeneration_queue)
    assert trigger(event, regeneration_queue) == [event["Records"][0]["messageId"]]
    assert regeneration_jobs() == []
    monkeypatch.setattr(host, "get_identity", available)
    assert trigger(event, regeneration_queue) == []
    assert len(regeneration_jobs()) == 1


def test_a_body_that_is_not_an_s3_notification_fails_its_record_only(
    regeneration_queue: str,
) -> None:
    drain(regeneration_queue)
    upload_burst(1)
    event = receive_all(regeneration_queue)
    broken = {**event["Records"][0], "messageId": "broken", "body": '{"Records": [{"x": 1}]}'}
    event["Records"].append(broken)
    assert trigger(event, regeneration_queue) == ["broken"]
    assert len(regeneration_jobs()) == 1


def test_a_lost_race_for_the_state_starts_no_second_job(
    regeneration_queue: str, regenerator: Regenerator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two invocations read "no job yet"; the second's conditional write loses, and on
    reading again it finds the first one's job queued."""
    drain(regeneration_queue)
    keys = upload_burst(2)
    first = ReferenceCreated(keys[0], "ObjectCreated:Put", 1, utc_now())
    assert regenerator.handle(first) == Decision.CREATED
    states = regenerator.states
    real_get = states.get
    reads: list[str] = []

    def stale_first_read(identity_id: str) -> RegenerationState | None:
        reads.append(identity_id)
        return None if len(reads) == 1 else real_get(identity_id)

    monkeypatch.setattr(states, "get", stale_first_read)
    second = ReferenceCreated(keys[1], "ObjectCreated:Put", 1, utc_now())
    assert regenerator.handle(second) == Decision.ABSORBED
    assert len(reads) == 2  # the stale read lost the conditional write, then read again
    assert len(regeneration_jobs()) == 1
    assert len(job_messages()) == 1


def test_a_start_interrupted_after_the_state_write_is_finished_once(
    regeneration_queue: str, regenerator: Regenerator, settings: Settings
) -> None:
    """A crash after the state moved but before the job and its message were written:
    the next event (or the redelivery) writes the same job and sends its message."""
    states = regenerator.states
    started = RegenerationState.initial(TEST_USER_IDENTITY).next()
    assert states.advance(started, previous=None)
    drain(regeneration_queue)
    upload_burst(1)
    event = receive_all(regeneration_queue)
    trigger(event, regeneration_queue)
    (job,) = regeneration_jobs()
    assert job.id == started.current_job_id
    assert job_messages() == [{"job_id": job.id, "action": "generate"}]
    current = states.get(TEST_USER_IDENTITY)
    assert current is not None
    assert current.message_sent
    trigger(event, regeneration_queue)
    assert regeneration_jobs() == [job]
    assert messages_in(settings.jobs_queue_url or "") == 0


def test_state_items_stay_out_of_the_identity_history(
    regeneration_queue: str, settings: Settings
) -> None:
    drain(regeneration_queue)
    upload_burst(1)
    trigger(receive_all(regeneration_queue), regeneration_queue)
    page = JobStore.from_settings(settings).list_for_identity(TEST_USER_IDENTITY, limit=10)
    assert [j.source for j in page.jobs] == ["s3_event"]


def test_state_items_expire_like_jobs(regeneration_queue: str, settings: Settings) -> None:
    drain(regeneration_queue)
    upload_burst(1)
    trigger(receive_all(regeneration_queue), regeneration_queue)
    item = aws.dynamodb().get_item(
        TableName=settings.jobs_table_name,
        Key={"job_id": {"S": f"regeneration#{TEST_USER_IDENTITY}"}},
    )["Item"]
    ttl = int(item["expires_at"]["N"]) - int(utc_now().timestamp())
    assert abs(ttl - settings.job_ttl_days * 86400) < 120


def test_the_sample_event_parses_and_is_handled(regenerator: Regenerator) -> None:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from identity_images.handlers.trigger import record_handler
    from tests.support.lambdas import load_event

    sample = load_event("sqs_s3_reference_created")
    key = json.loads(sample["Records"][0]["body"])["Records"][0]["s3"]["object"]["key"]
    put_reference(key)
    assert record_handler(SQSRecord(sample["Records"][0])) == [Decision.CREATED]
    (job,) = regeneration_jobs()
    assert job.identity_id == ADMIN_IDENTITY


def test_a_members_identity_is_not_regenerated(regeneration_queue: str, host: FakeHost) -> None:
    """The references routes refuse a member's (neither staff nor test user) identity;
    a photo written straight into the member's folder does not regenerate it either."""
    drain(regeneration_queue)
    upload_burst(1, folder=f"references/identities/{OTHER_USER_IDENTITY}/")
    assert trigger(receive_all(regeneration_queue), regeneration_queue) == []
    assert regeneration_jobs() == []
    assert RegenerationStates.from_settings(get_settings()).get(OTHER_USER_IDENTITY) is None


def test_a_setting_widens_regeneration_to_every_user(
    regeneration_queue: str, regenerator: Regenerator, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = regenerator.settings.model_copy(update={"regeneration_all_users": True})
    monkeypatch.setattr(
        trigger_handler, "get_regenerator", lambda: replace(regenerator, settings=wide)
    )
    drain(regeneration_queue)
    upload_burst(1, folder=f"references/identities/{OTHER_USER_IDENTITY}/")
    trigger(receive_all(regeneration_queue), regeneration_queue)
    (job,) = regeneration_jobs()
    assert job.user_id == OTHER_USER_ID


def test_one_identity_under_three_spellings_is_one_job_for_its_canonical_folder(
    regeneration_queue: str,
) -> None:
    """Only the folder named with the canonical id is the identity's: the host answers
    no other spelling (`HostDirectory`), so the others are ignored with a log line, and
    one burst is one job and one Gemini call."""
    drain(regeneration_queue)
    for spelling in (TEST_USER_IDENTITY, f"0{TEST_USER_IDENTITY}", f"00{TEST_USER_IDENTITY}"):
        upload_burst(2, folder=f"{PREFIX}{spelling}/")
    assert trigger(receive_all(regeneration_queue), regeneration_queue) == []
    (job,) = regeneration_jobs()
    assert job.identity_id == TEST_USER_IDENTITY
    states = RegenerationStates.from_settings(get_settings())
    assert states.get(f"0{TEST_USER_IDENTITY}") is None
