"""`identity-images dead-letters list|redrive`: the jobs dead-letter queue, for operators.

    identity-images dead-letters list [--json] [--local]
    identity-images dead-letters redrive JOB_ID [JOB_ID ...] | --all  [--json] [--local]

`list` shows every letter with its job (nothing leaves the queue). `redrive` sends the
chosen letters back to the jobs queue and re-opens their jobs honestly
(`identity_images.logic.dead_letters`): attempts are counted on, not reset.

It reads the same settings as the functions: `JOBS_TABLE_NAME`, `JOBS_QUEUE_URL`,
`JOBS_DLQ_URL` (the stack's outputs `JobsTableName`, `JobsQueueUrl`,
`JobsDeadLetterQueueUrl`) and the usual AWS credentials; without the URLs it finds the
queues by the names the local stack gives them. `--local` points it at the moto server
of `identity-images serve` (`--moto-url`, default http://127.0.0.1:4566).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from identity_images.adapters import aws
from identity_images.adapters.job_queue import JobQueue
from identity_images.adapters.job_store import JobStore
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.dead_letters import DeadLetter, DeadLetters, Redriven
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import jobs_queue_name
from local_stack.moto_server import LOCAL_CREDENTIALS

EXIT_OK = 0
EXIT_FAILED = 1
LOCAL_MOTO_URL = "http://127.0.0.1:4566"

_SAID = {
    Redriven.REOPENED: "re-opened: queued again",
    Redriven.APPLY_REOPENED: "re-opened: its apply is asked again",
    Redriven.SENT_BACK: "still in flight: its message went back as is",
    Redriven.DROPPED: "dropped: its job is done or gone, nothing left to do",
    Redriven.KEPT: "kept: not a job message, or its job moved meanwhile",
}


def add_dead_letters_command(subparsers: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON object")
    common.add_argument(
        "--local",
        action="store_true",
        help="use the moto server of `identity-images serve` (see --moto-url)",
    )
    common.add_argument("--moto-url", default=LOCAL_MOTO_URL, help="with --local")
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "dead-letters",
        help="list the jobs dead-letter queue; send letters back",
        description="The jobs dead-letter queue: list the letters with their jobs, or send "
        "chosen ones back to the jobs queue, re-opening their jobs (attempts kept).",
    )
    actions = parser.add_subparsers(dest="dead_letters_action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", parents=[common], help="every letter with its job")
    listing.set_defaults(run=run_list)
    redrive = actions.add_parser(
        "redrive", parents=[common], help="send the letters of these jobs (or --all) back"
    )
    redrive.add_argument("job_ids", nargs="*", metavar="JOB_ID")
    redrive.add_argument("--all", action="store_true", help="every letter")
    redrive.set_defaults(run=run_redrive)


def _settings(args: argparse.Namespace) -> Settings:
    if args.local:
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": args.moto_url,
                "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIALS["aws_access_key_id"],
                "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIALS["aws_secret_access_key"],
            }
        )
    get_settings.cache_clear()
    aws.reset_clients()
    return get_settings()


def _queue_url(settings: Settings, url: str | None, name: str) -> str:
    if url:
        return url
    try:
        return aws.sqs().get_queue_url(QueueName=name)["QueueUrl"]
    except Exception as error:
        raise PipelineError(
            ErrorCode.QUEUE_UNAVAILABLE,
            f"No queue {name!r} here; set JOBS_QUEUE_URL and JOBS_DLQ_URL (the stack's "
            "outputs), or use --local against `identity-images serve`.",
        ) from error


def _dead_letters(args: argparse.Namespace) -> DeadLetters:
    settings = _settings(args)
    name = jobs_queue_name(settings)
    queue_url = _queue_url(settings, settings.jobs_queue_url, name)
    dlq_url = _queue_url(settings, settings.jobs_dlq_url, f"{name}-dlq")
    return DeadLetters(
        dead_letters=JobQueue(aws.sqs(), dlq_url),
        queue=JobQueue(aws.sqs(), queue_url),
        store=JobStore.from_settings(settings),
    )


def _as_dict(letter: DeadLetter) -> dict[str, Any]:
    message, job = letter.message, letter.job
    return {
        "message_id": message.message_id,
        "job_id": letter.job_id,
        "action": letter.job_message.action if letter.job_message else None,
        "receive_count": message.receive_count,
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "body": None if letter.job_message else message.body,
        "job": (
            None
            if job is None
            else {
                "status": job.status,
                "attempts": job.attempts,
                "error": job.error.model_dump() if job.error else None,
                "apply": job.apply.model_dump(mode="json"),
                "identity_id": job.identity_id,
                "created_at": job.model_dump(mode="json")["created_at"],
            }
        ),
    }


def _line(letter: DeadLetter) -> str:
    job = letter.job
    if letter.job_message is None:
        return f"{letter.message.message_id}  not a job message: {letter.message.body[:80]!r}"
    sent = letter.message.sent_at.strftime("%Y-%m-%d %H:%M:%SZ") if letter.message.sent_at else "?"
    head = (
        f"{letter.message.message_id}  job {letter.job_id}  {letter.job_message.action}  "
        f"first sent {sent}"
    )
    if job is None:
        return f"{head}  (the job is gone)"
    state = f"{job.status}, {job.attempts} attempt(s)"
    if job.error:
        state += f", {job.error.code}"
    if job.apply.status != "not_requested":
        state += f"; apply {job.apply.status}"
        if job.apply.error:
            state += f" ({job.apply.error.code})"
    return f"{head}  [{state}]"


def run_list(args: argparse.Namespace, console: Any) -> int:
    letters = _dead_letters(args).letters()
    if args.json:
        print(json.dumps({"dead_letters": [_as_dict(x) for x in letters]}), file=console.stdout)
        return EXIT_OK
    print(f"{len(letters)} dead letter(s)", file=console.stdout)
    for letter in letters:
        print(_line(letter), file=console.stdout)
    return EXIT_OK


def run_redrive(args: argparse.Namespace, console: Any) -> int:
    if args.all == bool(args.job_ids):
        from local_stack.cli import UsageError

        raise UsageError("name the jobs to redrive (JOB_ID ...) or pass --all, not both")
    chosen = None if args.all else set(args.job_ids)
    done = _dead_letters(args).redrive(chosen)
    missing = sorted((chosen or set()) - {letter.job_id for letter, _ in done})
    if args.json:
        print(
            json.dumps(
                {
                    "redriven": [{**_as_dict(x), "outcome": o.value} for x, o in done],
                    "not_found": missing,
                }
            ),
            file=console.stdout,
        )
        return EXIT_FAILED if missing else EXIT_OK
    for letter, outcome in done:
        print(f"job {letter.job_id or '?'}: {_SAID[outcome]}", file=console.stdout)
    if missing:
        raise PipelineError(
            ErrorCode.NOT_FOUND,
            f"No dead letter for job(s) {', '.join(missing)}.",
            details={"job_ids": missing},
        )
    return EXIT_OK
