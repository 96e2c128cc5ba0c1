"""`identity-images serve`: run the local stack in the foreground until Ctrl-C, SIGTERM or
SIGHUP (the terminal closed), each of which stops it cleanly and saves its state. The
invocations under way finish first (a generation waits for Gemini); a second signal stops
without waiting, and the next start queues their jobs again.

    identity-images serve [--api-port 3000] [--moto-port 4566] [--django-port 8000]
                          [--gemini-port 8765] [--data-dir .local-data] [--no-persist]

Prints the URLs, the admin login and a curl walkthrough, then a line starting with
`local stack ready:` (what scripts and the end-to-end test wait for).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from local_stack.processes import ProcessFailedError
from local_stack.stack import (
    POLLER_STOP_WAIT_S,
    READY_MARKER,
    LocalStack,
    PortInUseError,
    StackOptions,
)

EXIT_OK = 0
EXIT_FAILED = 1
#: The signals that stop the stack cleanly (its state saved): Ctrl-C, SIGTERM and SIGHUP,
#: which a closed terminal sends; left to its default, SIGHUP would kill the process with
#: nothing saved. (No SIGHUP on Windows.)
STOP_SIGNALS = tuple(
    sig for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if sig
)
#: How often the main thread looks up from waiting for a stop signal (see `wait_for_stop`).
STOP_CHECK_S = 0.25


def add_serve_command(subparsers: Any) -> None:
    """The `serve` subcommand, for `local_stack.cli`."""
    defaults = StackOptions()
    parser = subparsers.add_parser(
        "serve",
        help="run the whole pipeline on this machine",
        description="Run moto, the example Django host, the local Gemini server (unless "
        "GEMINI_API_KEY is set), the local API Gateway and the SQS pollers on loopback.",
    )
    parser.add_argument("--host", default=defaults.host, help="address to listen on")
    parser.add_argument("--api-port", type=int, default=defaults.api_port)
    parser.add_argument("--moto-port", type=int, default=defaults.moto_port)
    parser.add_argument("--django-port", type=int, default=defaults.django_port)
    parser.add_argument("--gemini-port", type=int, default=defaults.gemini_port)
    parser.add_argument(
        "--web-port", type=int, default=defaults.web_port, help="the Images tab (web/dist)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=defaults.data_dir,
        help="secrets, Django's database, saved AWS state and logs (default: %(default)s)",
    )
    parser.add_argument(
        "--allowed-origin",
        action="append",
        dest="allowed_origins",
        help="browser origin allowed by CORS (repeatable; default: http://localhost:5173)",
    )
    parser.add_argument(
        "--no-persist",
        action="store_true",
        help="neither restore nor save S3, DynamoDB and SQS state",
    )
    parser.set_defaults(run=run_serve)


def options_from_args(args: argparse.Namespace) -> StackOptions:
    options = StackOptions(
        host=args.host,
        api_port=args.api_port,
        moto_port=args.moto_port,
        django_port=args.django_port,
        gemini_port=args.gemini_port,
        web_port=args.web_port,
        data_dir=args.data_dir,
        persist=not args.no_persist,
    )
    if args.allowed_origins:
        options.allowed_origins = tuple(args.allowed_origins)
    return options


def run_serve(args: argparse.Namespace, console: Any = None) -> int:
    stdout: TextIO = getattr(console, "stdout", None) or sys.stdout
    return serve(options_from_args(args), stdout=stdout)


def serve(options: StackOptions, *, stdout: TextIO | None = None) -> int:
    """Start everything, print how to use it, wait for a `STOP_SIGNALS` signal, stop
    everything."""
    out = stdout or sys.stdout
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    stop = threading.Event()
    stop_now = threading.Event()  # a second signal: do not wait for what is under way

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            stop_now.set()
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    stack = LocalStack(options)
    try:
        print("starting the local stack ...", file=out, flush=True)
        try:
            stack.start()
        except (PortInUseError, ProcessFailedError) as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            return EXIT_FAILED
        print(stack.banner(), file=out, flush=True)
        print(
            f"{READY_MARKER} api={stack.api_url} django={stack.django_url} web={stack.web_url}",
            file=out,
            flush=True,
        )
        wait_for_stop(stop)
        print(stopping_message(stack.invocations_running()), file=out, flush=True)
    finally:
        stack.stop(give_up=stop_now)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("stopped.", file=out, flush=True)
    return EXIT_OK


def wait_for_stop(stop: threading.Event) -> None:
    """Until a stop signal's handler sets `stop`, in slices of `STOP_CHECK_S`. Python runs a
    handler in the main thread, the next time that thread runs Python code; when the kernel
    gives a process's signal to another thread (one of the pollers, the servers), an
    `Event.wait()` without a timeout would never wake to let it run (CPython #85300), and
    the stack would not stop."""
    while not stop.wait(STOP_CHECK_S):
        pass


def stopping_message(running: int) -> str:
    """What a stop says: why it may take a while, and how not to wait."""
    if running == 0:
        return "stopping ..."
    what = "1 invocation" if running == 1 else f"{running} invocations"
    return (
        f"stopping: {what} under way (a generation waits for Gemini) may finish first, "
        f"for up to {POLLER_STOP_WAIT_S:.0f} s. Ctrl-C again stops now; "
        "the next start queues again what did not finish."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_stack.serve")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_serve_command(subparsers)
    args = parser.parse_args(["serve", *(argv if argv is not None else sys.argv[1:])])
    return run_serve(args)


if __name__ == "__main__":
    raise SystemExit(main())
