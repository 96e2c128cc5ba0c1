"""`identity-images serve` stops cleanly (the stack's `stop()`, which saves its state) on
each signal a user's stop sends: Ctrl-C, SIGTERM, and SIGHUP when the terminal is closed.
Run in a child process with the stack stood in for, so a signal left to its default
kills the child, not the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from local_stack.stack import READY_MARKER

CHILD = textwrap.dedent(
    """
    import sys
    from local_stack import serve

    class StandInStack:
        api_url = django_url = web_url = "http://127.0.0.1:1"

        def __init__(self, options):
            pass

        def start(self):
            pass

        def banner(self):
            return "banner"

        def stop(self):
            print("state saved", flush=True)

    serve.LocalStack = StandInStack
    sys.exit(serve.serve(serve.StackOptions(persist=False)))
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
@pytest.mark.parametrize("signum", ["SIGHUP", "SIGTERM", "SIGINT"])
def test_a_stop_signal_stops_the_stack_cleanly(signum: str) -> None:
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", CHILD],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith(READY_MARKER):
                break
        child.send_signal(getattr(signal, signum))
        out, _ = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, out
    assert "state saved" in out
    assert "stopped." in out
