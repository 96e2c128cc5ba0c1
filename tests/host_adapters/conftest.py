from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.host_adapters.servers import DjangoServer, FaultProxy, run_example_host


@pytest.fixture(scope="session")
def django_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DjangoServer]:
    with run_example_host(tmp_path_factory.mktemp("example-host")) as server:
        yield server


@pytest.fixture
def proxy(django_server: DjangoServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(upstream=django_server.url)
    fault_proxy.start()
    yield fault_proxy
    fault_proxy.stop()
