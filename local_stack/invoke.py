"""Invoke one handler with one sample event, as the Lambda runtime would, and print what it
returns.

python -m local_stack.invoke api events/api_create_generation.json
make invoke HANDLER=api EVENT=events/api_create_generation.json

Settings come from the environment (point `AWS_ENDPOINT_URL` at `make run`'s moto server
to act on the local stack). Without `AWS_ENDPOINT_URL`, an in-process moto server with
the stack's bucket, tables and queues is started for this one call.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from local_stack.lambda_runtime import LocalFunction

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


def invoke(handler: str, event: dict[str, Any]) -> Any:
    function = LocalFunction(
        name=f"identity-images-{handler}", handler=f"identity_images.handlers.{handler}.handler"
    )
    return function.invoke(event)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("handler", choices=HANDLERS)
    parser.add_argument("event", type=Path, help="a JSON event, e.g. events/api_openapi.json")
    args = parser.parse_args(argv)
    event = json.loads(args.event.read_text())
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "1")
    if not os.environ.get("AWS_ENDPOINT_URL"):
        _embedded_aws()
    result = invoke(args.handler, event)
    json.dump(result, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
