"""Child processes of the local stack (Django, the local Gemini server): started with
their output in a log file, waited for until they answer HTTP, stopped cleanly."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

log = logging.getLogger("local_stack.processes")


class ProcessFailedError(RuntimeError):
    """A child process exited or never became ready; the message has its log's tail."""


class ManagedProcess:
    """One child process, its output appended to `log_path`."""

    def __init__(
        self, name: str, argv: Sequence[str], *, env: Mapping[str, str], log_path: Path
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = dict(env)
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    def run_to_end(self, argv: Sequence[str], timeout_s: float = 120) -> None:
        """Run a one-off command (a migration) in the same environment; raise if it fails."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as out:
            done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
                list(argv),
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout_s,
                check=False,
            )
        if done.returncode != 0:
            raise ProcessFailedError(
                f"{self.name}: `{' '.join(argv[-2:])}` failed ({done.returncode}):\n{self.tail()}"
            )

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        out = self.log_path.open("ab")
        try:
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                self.argv,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C in the terminal reaches the stack only
            )
        finally:
            out.close()

    def wait_until_http(self, url: str, timeout_s: float = 60) -> None:
        """Until `url` answers anything over HTTP; raise if the process dies or time runs out."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise ProcessFailedError(
                    f"{self.name} exited ({self._process.returncode}):\n{self.tail()}"
                )
            try:
                httpx.get(url, timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise ProcessFailedError(f"{self.name} did not answer {url} in {timeout_s:.0f} s")

    def stop(self, timeout_s: float = 10) -> None:
        """SIGTERM, then SIGKILL after `timeout_s`."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop; killing it", self.name)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout_s)

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no output)"
        return "\n".join(text.splitlines()[-lines:])
