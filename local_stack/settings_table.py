"""Writes the settings table in docs/settings.md from the one settings model, so they never drift.

python -m local_stack.settings_table          # rewrite the table in docs/settings.md
python -m local_stack.settings_table --check  # exit 1 if docs/settings.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import SecretStr

from identity_images.settings import Settings

SETTINGS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "settings.md"
START = "<!-- settings-table:start -->"
END = "<!-- settings-table:end -->"


def _default(value: object) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, SecretStr):
        return "(secret)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"`{value}`"


def render_table() -> str:
    rows = ["| variable | default | what |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{name.upper()}` | {_default(field.default)} | {description} |")
    return "\n".join(rows)


def with_table(page: str) -> str:
    head, rest = page.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{render_table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if docs/settings.md is stale")
    args = parser.parse_args(argv)
    current = SETTINGS_PAGE.read_text()
    wanted = with_table(current)
    if args.check:
        if current != wanted:
            print("docs/settings.md is stale: run python -m local_stack.settings_table")
            return 1
        return 0
    SETTINGS_PAGE.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
