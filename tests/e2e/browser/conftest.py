"""The browser the tests drive: Debian's chromium (Playwright downloads none), launched once
for this package (a worker's, under xdist, beside its one stack), against the built tab
(web/dist). Not once a session: Playwright's sync API keeps an event loop running in its
thread while the browser is open, and a later test's `asyncio.run()` (the unit tests run
after this package) then fails."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.browser.measures import REPO


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: apt-get install chromium (.ci/run does)")
    if not (REPO / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: run `make web-build` (make test does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        yield launched
        launched.close()


@pytest.fixture
def browser(chromium: Browser) -> Iterator[Browser]:
    """The session's chromium, for one test: the pages it opens are closed after it, passed or
    failed (a failed test's page, left polling a slow job, would load the tests after it)."""
    yield chromium
    for context in chromium.contexts:
        context.close()
