"""Invoke one handler with one sample event, as the Lambda runtime would, and print what it
returns.

python -m local_stack.invoke api events/api_create_generation.json
make invoke HANDLER=api EVENT=events/api_create_generation.json

Where it acts, in this order:
- `AWS_ENDPOINT_URL` set: the settings in the environment, as they are (resource names,
  secret ARNs or values, `DJANGO_INTERNAL_URL`, ...);
- `make run`'s stack, while it runs (`--data-dir`, `.local-data` by default): the functions'
  environment it wrote there, so the handler acts on its moto, Django and Gemini as its
  own functions do;
- else an in-process moto server with the stack's bucket, tables and queues, started for
  this one call.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from local_stack.lambda_runtime import LocalFunction
from local_stack.stack import FUNCTIONS_ENVIRONMENT_FILE, StackOptions

HANDLERS = ("api", "authorizer", "worker", "trigger", "reaper")


def _embedded_aws() -> None:
    from identity_images.adapters import aws
    from identity_images.settings import get_settings
    from local_stack.aws_resources import create_all
    from local_stack.moto_server import LocalMoto

    os.environ["AWS_ENDPOINT_URL"] = LocalMoto(port=0).start()
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(name, "local")
    get_settings.cache_clear()
    aws.reset_clients()
    os.environ.update(create_all(get_settings()).environment())
    get_settings.cache_clear()


def _running_stack(data_dir: Path) -> bool:
    """Point this process at the stack that runs with `data_dir`, if one does."""
    written = data_dir / FUNCTIONS_ENVIRONMENT_FILE
    if not written.is_file():
        return False
    os.environ.update(json.loads(written.read_text()))
    print(f"acting on the local stack in {data_dir}", file=sys.stderr)
    return True


def invoke(handler: str, event: dict[str, Any]) -> Any:
    function = LocalFunction(
        name=f"identity-images-{handler}", handler=f"identity_images.handlers.{handler}.handler"
    )
    return function.invoke(event)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("handler", choices=HANDLERS)
    parser.add_argument("event", type=Path, help="a JSON event, e.g. events/api_openapi.json")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=StackOptions.data_dir,
        help="the data folder of the `make run` stack to act on, when it runs "
        "(default: %(default)s)",
    )
    args = parser.parse_args(argv)
    event = json.loads(args.event.read_text())
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "1")
    if not os.environ.get("AWS_ENDPOINT_URL") and not _running_stack(args.data_dir):
        _embedded_aws()
    result = invoke(args.handler, event)
    json.dump(result, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
