"""The regeneration tests' own fixtures: the regeneration queue with the bucket's
`references/identities/` ObjectCreated notification pointed at it, as the CDK app and the
local stack configure it, and the regeneration logic the trigger handler uses. The moto
server, resources, local Gemini, fake host and worker are shared ones from
`tests/conftest.py`. Notifications are really sent by moto's S3, received from SQS and
handed to `handlers.trigger.handler` (`tests.regeneration.helpers.trigger`)."""

from __future__ import annotations

import pytest

from identity_images.adapters import aws
from identity_images.adapters.job_queue import JobQueue
from identity_images.adapters.job_store import JobStore
from identity_images.adapters.regeneration_state import RegenerationStates
from identity_images.adapters.storage import Storage
from identity_images.handlers import trigger as trigger_handler
from identity_images.logic.regeneration import Regenerator
from identity_images.settings import Settings, get_settings
from local_stack import local_resources
from local_stack.aws_resources import Resources
from tests.support.fakes import FakeHost


@pytest.fixture
def settings(resources: Resources, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """No debounce delay unless a test asks for one, so job messages can be received."""
    monkeypatch.setenv("REGENERATION_DEBOUNCE_S", "0")
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def regeneration_queue(settings: Settings, resources: Resources) -> str:
    """The regeneration queue (+ DLQ, as `aws_resources` creates it) and the bucket's
    notification into it. Configuring it makes moto's S3 send its `s3:TestEvent`, which
    stays on the queue."""
    url = resources.regeneration_queue_url
    local_resources.notify_queue_of_references(
        aws.s3(),
        settings.bucket_name,
        local_resources.queue_arn(aws.sqs(), url),
        settings.bucket_layout,
    )
    return url


@pytest.fixture
def regenerator(settings: Settings, host: FakeHost, monkeypatch: pytest.MonkeyPatch) -> Regenerator:
    """The real regeneration logic but for the host's port; the trigger handler uses it."""
    built = Regenerator(
        store=JobStore.from_settings(settings),
        states=RegenerationStates.from_settings(settings),
        queue=JobQueue.from_settings(settings),
        storage=Storage.from_settings(settings),
        host=host,
        settings=settings,
    )
    monkeypatch.setattr(trigger_handler, "get_regenerator", lambda: built)
    return built
