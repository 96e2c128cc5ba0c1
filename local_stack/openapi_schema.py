"""Writes the API's OpenAPI schema (what `GET /v1/openapi.json` answers) without a server,
for the Images tab's generated types (`web/src/api/schema.d.ts`).

python -m local_stack.openapi_schema web/openapi.json          # write it
python -m local_stack.openapi_schema --check web/openapi.json  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def schema_text() -> str:
    """The schema, pretty-printed with sorted keys so a diff shows what changed."""
    from identity_images.handlers.api import openapi_json

    return json.dumps(json.loads(openapi_json()), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_stack.openapi_schema")
    parser.add_argument("path", type=Path)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs")
    args = parser.parse_args(argv)
    text = schema_text()
    if args.check:
        current = args.path.read_text() if args.path.exists() else ""
        if current != text:
            print(
                f"{args.path} is out of date with the API; run `make web-types`.",
                file=sys.stderr,
            )
            return 1
        return 0
    args.path.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
