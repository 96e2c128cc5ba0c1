"""The allocator switch the Gemini adapter turns on: big freed buffers leave the process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from identity_images.engine import memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_big_buffers_freed_after_the_switch_do_not_stay_resident() -> None:
    """Without the switch glibc keeps a freed 20 MB block in its heap once its threshold
    has risen; with it the block is unmapped on free. Run in a fresh interpreter, where
    nothing else has moved the threshold."""
    script = textwrap.dedent(
        """
        import re, sys
        from identity_images.engine.memory import release_large_buffers_eagerly
        def rss():
            status = open("/proc/self/status").read()
            return int(re.search(r"VmRSS:\\s+(\\d+)", status).group(1)) * 1024
        if sys.argv[1] == "on":
            assert release_large_buffers_eagerly()
        first = bytearray(25_000_000); del first   # raises glibc's threshold when off
        before = rss()
        block = bytearray(20_000_000); del block
        print(rss() - before)
        """
    )
    grown = {}
    for switch in ("off", "on"):
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", script, switch],
            capture_output=True,
            text=True,
            check=True,
        )
        grown[switch] = int(done.stdout.strip())
    assert grown["on"] < 5_000_000
    assert grown["off"] > grown["on"]


def test_the_switch_is_applied_once() -> None:
    first = memory.release_large_buffers_eagerly()
    assert memory.release_large_buffers_eagerly() is first
