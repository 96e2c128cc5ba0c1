"""`identity-images serve` stops cleanly (the stack's `stop()`, which saves its state) on
each signal a user's stop sends: Ctrl-C, SIGTERM, and SIGHUP when the terminal is closed;
a second Ctrl-C does not wait for the invocations under way; a signal the kernel gives
one of the stack's threads, not the main one, stops it all the same.
Run in a child process with the stack stood in for, so a signal left to its default
kills the child, not the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable

import pytest

from local_stack.stack import READY_MARKER

CHILD = textwrap.dedent(
    """
    import signal
    import sys
    import threading
    import time
    from local_stack import serve

    class StandInStack:
        api_url = django_url = web_url = "http://127.0.0.1:1"
        running = int(sys.argv[1])  # invocations under way: stop waits for them
        signal_from_a_thread = sys.argv[2] == "yes"

        def __init__(self, options):
            pass

        def start(self):
            if self.signal_from_a_thread:
                # As a poller's thread would take a SIGTERM the kernel gave it, once ready.
                threading.Thread(target=self._sigterm_to_this_thread, daemon=True).start()

        def _sigterm_to_this_thread(self):
            time.sleep(0.5)
            signal.pthread_kill(threading.get_ident(), signal.SIGTERM)

        def banner(self):
            return "banner"

        def invocations_running(self):
            return self.running

        def stop(self, give_up):
            if self.running and not give_up.wait(timeout=30):
                print("waited for them all", flush=True)
            print("state saved", flush=True)

    serve.LocalStack = StandInStack
    sys.exit(serve.serve(serve.StackOptions(persist=False)))
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
@pytest.mark.parametrize("signum", ["SIGHUP", "SIGTERM", "SIGINT"])
def test_a_stop_signal_stops_the_stack_cleanly(signum: str) -> None:
    sent = getattr(signal, signum)
    _stops_cleanly(_serve_child(running=0), lambda child: child.send_signal(sent))


def test_a_sigterm_that_another_thread_takes_stops_the_stack() -> None:
    """The main thread waits for the signal's handler to run; Python runs it there, and only
    once that thread wakes (a CI run's stack waited its 60 s for SIGTERM, then was killed)."""
    _stops_cleanly(_serve_child(running=0, signal_from_a_thread=True), lambda child: None)


def _stops_cleanly(
    child: subprocess.Popen[str], stop: Callable[[subprocess.Popen[str]], None]
) -> None:
    """Once `child` is ready, `stop` it: it saves its state, says "stopped." and exits 0."""
    try:
        _read_until(child, READY_MARKER)
        stop(child)
        out, _ = child.communicate(timeout=20)
    finally:
        _end(child)
    assert child.returncode == 0, out
    assert "state saved" in out
    assert "stopped." in out


def test_a_second_ctrl_c_stops_without_waiting_for_the_invocations_under_way() -> None:
    child = _serve_child(running=1)
    try:
        _read_until(child, READY_MARKER)
        child.send_signal(signal.SIGINT)
        said = _read_until(child, "stopping")
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=20)
    finally:
        _end(child)
    assert said.startswith("stopping: 1 invocation under way"), said
    assert "Ctrl-C again stops now" in said
    assert child.returncode == 0, out
    assert "waited for them all" not in out
    assert "state saved" in out
    assert "stopped." in out


def _serve_child(*, running: int, signal_from_a_thread: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", CHILD, str(running), "yes" if signal_from_a_thread else "no"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def _read_until(child: subprocess.Popen[str], start: str) -> str:
    """The child's first line starting with `start` (its output is read up to it)."""
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith(start):
            return line
    raise AssertionError(f"the child ended before printing {start!r}")


def _end(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        child.kill()
        child.wait()
