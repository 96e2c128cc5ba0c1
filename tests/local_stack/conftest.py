"""A moto server on a free loopback port, shared by this folder's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local_stack.moto_server import LocalMoto


@pytest.fixture(scope="module")
def moto_server() -> Iterator[LocalMoto]:
    server = LocalMoto(port=0)
    server.start()
    yield server
    server.stop()
