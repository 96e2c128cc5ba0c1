"""The worker tests' own fixture: `world`, a worker over in-memory ports (its parts and
the moves made on it are in `helpers.py`)."""

from __future__ import annotations

import pytest

from identity_images.logic.worker import Worker
from tests.support.fakes import FakeCallback, FakeHost
from tests.unit.fakes import FakeGenerate, MemoryJobQueue, MemoryJobStore, MemoryObjectStore
from tests.unit.worker.helpers import SETTINGS, World


@pytest.fixture
def world() -> World:
    store, queue, storage = MemoryJobStore(), MemoryJobQueue(), MemoryObjectStore()
    callback, generate = FakeCallback(), FakeGenerate()
    worker = Worker(
        store=store,
        queue=queue,
        storage=storage,
        host=FakeHost(),
        callback=callback,
        generate=generate,
        settings=SETTINGS,
    )
    return World(store, queue, storage, callback, generate, worker)
