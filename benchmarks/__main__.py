"""`python -m benchmarks [name ...] [--write-readme]`: run the benchmarks, print their tables.

Exits 1 when a target is missed. `--write-readme` puts each table into the page of docs/
that holds `<!-- bench:{name}:start -->` and `<!-- bench:{name}:end -->`.
"""

from __future__ import annotations

import argparse
import compileall
import importlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

from benchmarks import Report

# Add a module here (with `run() -> Report`) to have `make bench` run it.
BENCHMARKS: tuple[str, ...] = (
    "benchmarks.references",
    "benchmarks.cold_start",
    "benchmarks.cold_click",
    "benchmarks.bytecode",
    "benchmarks.worker_memory",
    "benchmarks.pipeline",
    "benchmarks.web",
)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Lambda loads our code from its bytecode (`layers/bytecode.py`); so do the benchmarks,
# even where PYTHONDONTWRITEBYTECODE keeps Python from writing it on its own.
OUR_CODE = ("functions", "local_stack")


def compile_our_code() -> None:
    for folder in OUR_CODE:
        compileall.compile_dir(ROOT / folder, quiet=1, workers=0)


def run_benchmark(module_name: str) -> Report:
    module = importlib.import_module(module_name)
    run = cast(Callable[[], Report], module.run)
    return run()


def write_readme(report: Report, readme: Path | None = None) -> bool:
    """Replace the report's block in its docs page (or `readme`); False when no page has its
    markers."""
    if readme is None:
        start = f"<!-- bench:{report.name}:start -->"
        pages = [p for p in sorted(DOCS.glob("*.md")) if start in p.read_text()]
        if not pages:
            return False
        readme = pages[0]
    start, end = f"<!-- bench:{report.name}:start -->", f"<!-- bench:{report.name}:end -->"
    text = readme.read_text()
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        return False
    block = f"{start}\n{report.markdown()}\n{end}"
    readme.write_text(pattern.sub(lambda _: block, text, count=1))
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help="short names to run (default: all)")
    parser.add_argument("--write-readme", action="store_true", help="update the tables in docs/")
    args = parser.parse_args(argv)

    selected = [m for m in BENCHMARKS if not args.names or m.rsplit(".", 1)[-1] in args.names]
    if not selected:
        parser.error(
            f"no benchmark named {args.names}; known: {[m.rsplit('.', 1)[-1] for m in BENCHMARKS]}"
        )
    compile_our_code()
    all_met = True
    for module_name in selected:
        report = run_benchmark(module_name)
        print(report.markdown(), end="\n\n", flush=True)
        all_met = all_met and report.met
        if args.write_readme and not write_readme(report):
            print(f"no page in docs/ has markers for {report.name!r}", file=sys.stderr)
            all_met = False
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
