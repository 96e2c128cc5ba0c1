"""The `identity-images` command line.

    identity-images generate --ref a.jpg --ref b.heic --identity-name "Ada" --out ada.jpg

`generate` runs the same engine as the worker Lambda (prepare the references, build the
prompt, call Gemini through google-genai) and writes the image. Gemini is the real one
when `GEMINI_API_KEY` is set, or any Gemini-compatible server at `GEMINI_BASE_URL` (the
local one: `python -m local_stack.gemini_server`).

Exit codes: 0 done, 1 the pipeline failed (`error: <code>: <message>` on stderr, and with
`--json` an `{"error": {...}}` object on stdout), 2 bad usage.

Adding a subcommand is one function: write `add_<name>_command(subparsers)` that adds its
parser with `set_defaults(run=...)`, where `run(args: argparse.Namespace, console: Console)`
returns the exit code (raise `UsageError` or `PipelineError` to fail), and list it in
`COMMANDS`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from identity_images.engine.gemini import GeminiImageProvider, GeneratedImage
from identity_images.engine.generation import (
    GenerationRequest,
    GenerationResult,
    ImageProvider,
    ReferenceFile,
    generate_identity_image,
)
from identity_images.engine.options import ASPECT_RATIOS, IMAGE_SIZES
from identity_images.engine.references import PreparedReference, ReferenceRules
from identity_images.errors import ErrorCode, PipelineError
from identity_images.media_types import EXTENSIONS_BY_TYPE
from identity_images.prices import image_sizes_of
from identity_images.settings import Settings
from local_stack.dead_letters import add_dead_letters_command
from local_stack.serve import add_serve_command

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line input found after parsing (a file that cannot be read)."""


class Console:
    """Progress lines on stderr when it is a terminal; results on stdout."""

    def __init__(self, *, stdout: TextIO, stderr: TextIO) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.interactive = stderr.isatty()

    def progress(self, message: str) -> None:
        if self.interactive:
            print(f"\u2026 {message}", file=self.stderr, flush=True)

    def note(self, message: str) -> None:
        print(f"note: {message}", file=self.stderr, flush=True)

    def error(self, code: str, message: str) -> None:
        print(f"error: {code}: {message}", file=self.stderr, flush=True)


# --- generate -------------------------------------------------------------------------


def add_generate_command(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "generate",
        help="generate one identity image from reference photos",
        description="Generate one identity image with the same engine the worker uses.",
    )
    parser.add_argument(
        "--ref",
        dest="refs",
        action="append",
        required=True,
        metavar="PATH",
        help="a reference photo (JPEG, PNG, WebP, HEIC); repeat for several",
    )
    parser.add_argument("--identity-name", required=True, metavar="NAME")
    parser.add_argument("--identity-description", default="", metavar="TEXT")
    parser.add_argument("--prompt", default="", metavar="TEXT", help="extra direction")
    parser.add_argument(
        "--aspect-ratio",
        choices=ASPECT_RATIOS,
        metavar="R",
        help=f"one of {', '.join(ASPECT_RATIOS)} (default: DEFAULT_ASPECT_RATIO, 16:9)",
    )
    parser.add_argument(
        "--image-size",
        choices=IMAGE_SIZES,
        metavar="S",
        help=f"one of {', '.join(IMAGE_SIZES)} (default: DEFAULT_IMAGE_SIZE, 4K; the "
        "model's largest when it makes no such size)",
    )
    parser.add_argument("--model", metavar="NAME", help="image model (default: GEMINI_MODEL)")
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="PATH",
        help="where to write the image; the extension follows the image's type",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run_generate)


class _ProgressProvider:
    """Says on the terminal when the (long) call to the model starts."""

    def __init__(self, inner: ImageProvider, console: Console, model: str) -> None:
        self._inner = inner
        self._console = console
        self._model = model

    def generate(
        self,
        *,
        prompt: str,
        references: Sequence[PreparedReference],
        aspect_ratio: str,
        image_size: str,
        model: str | None = None,
    ) -> GeneratedImage:
        sent = sum(len(r.data) for r in references)
        self._console.progress(
            f"calling {model or self._model} for a {aspect_ratio} {image_size} image "
            f"({len(references)} reference(s), {_kb(sent)} sent)"
        )
        return self._inner.generate(
            prompt=prompt,
            references=references,
            aspect_ratio=aspect_ratio,
            image_size=image_size,
            model=model,
        )


def _read_references(paths: Sequence[str]) -> list[ReferenceFile]:
    files = []
    for raw in paths:
        path = Path(raw)
        try:
            files.append(ReferenceFile(name=path.name, data=path.read_bytes()))
        except OSError as exc:
            raise UsageError(f"cannot read --ref {raw}: {exc.strerror or exc}") from exc
    return files


def output_path(requested: Path, mime_type: str) -> Path:
    """`requested`, with the extension of `mime_type` if it has another one."""
    extensions = EXTENSIONS_BY_TYPE.get(mime_type)
    if not extensions or requested.suffix.lower() in extensions:
        return requested
    return requested.with_suffix(extensions[0])


def unused_path(path: Path) -> Path:
    """`path`, or while that exists, `name-1.ext`, `name-2.ext`, ...: a name no file has."""
    candidate, n = path, 0
    while candidate.exists():
        n += 1
        candidate = path.with_stem(f"{path.stem}-{n}")
    return candidate


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp's file is the owner's only (0600); the image is as any file written here.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _kb(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def _summary(result: GenerationResult, output: Path, total_s: float) -> dict[str, Any]:
    image = result.image
    return {
        "output": str(output),
        "mime_type": image.mime_type,
        "width": image.width,
        "height": image.height,
        "bytes": len(image.data),
        "request_bytes": result.request_bytes,
        "model": image.model,
        "finish_reason": image.finish_reason,
        "references": [
            {
                "name": ref.name,
                "width": ref.width,
                "height": ref.height,
                "bytes": len(ref.data),
                "source_bytes": ref.source_bytes,
            }
            for ref in result.references
        ],
        "timings": {
            "prepare_s": round(result.prepare_s, 4),
            "provider_s": round(result.provider_s, 4),
            "total_s": round(total_s, 4),
        },
        "usage": image.usage.model_dump(),
    }


def run_generate(args: argparse.Namespace, console: Console) -> int:
    started = time.perf_counter()
    references = _read_references(args.refs)
    out: Path = args.out
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: the folder {out.parent} does not exist")
    refs = {Path(ref).resolve() for ref in args.refs}
    if out.resolve() in refs:
        raise UsageError(f"--out {out} is one of the --ref photos: it would be overwritten")

    try:
        settings = Settings()
    except ValidationError as exc:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR, f"invalid settings in the environment: {exc}"
        ) from exc
    provider = GeminiImageProvider.from_settings(settings)
    request = GenerationRequest(
        identity_name=args.identity_name,
        identity_description=args.identity_description,
        prompt=args.prompt,
        references=references,
        aspect_ratio=args.aspect_ratio or settings.default_aspect_ratio,
        image_size=args.image_size or _default_size(args.model, settings),
        model=args.model,
    )
    console.progress(f"preparing {len(references)} reference(s)")
    result = generate_identity_image(
        request,
        provider=_ProgressProvider(provider, console, settings.gemini_model),
        rules=ReferenceRules.from_settings(settings),
    )

    image = result.image
    target = output_path(out, image.mime_type)
    if target != out:
        # Not a file the admin did not name (a --ref among them): the image is paid for.
        target = unused_path(target)
        console.note(f"the image is {image.mime_type}; writing {target} instead of {out}")
    _write_atomically(target, image.data)
    summary = _summary(result, target, time.perf_counter() - started)

    if args.json:
        print(json.dumps(summary), file=console.stdout)
    else:
        print(
            f"wrote {target}: {image.width}x{image.height} {image.mime_type}, "
            f"{_kb(len(image.data))} (sent {_kb(result.request_bytes)} of references; "
            f"prepare {result.prepare_s:.2f} s, {image.model} {result.provider_s:.1f} s; "
            f"{_cost(image.usage.estimated_cost_usd)})",
            file=console.stdout,
        )
    return EXIT_OK


def _default_size(model: str | None, settings: Settings) -> str:
    """`DEFAULT_IMAGE_SIZE` (made a size `GEMINI_MODEL` makes, see `Settings`), or for a
    `--model` that makes no such size its largest: `--model gemini-2.5-flash-image` alone
    asks for 1K, not 4K."""
    sizes = image_sizes_of(model or settings.gemini_model)
    return settings.default_image_size if settings.default_image_size in sizes else sizes[-1]


def _cost(usd: float | None) -> str:
    """What the call cost, or that the model's prices are not known."""
    return "price not known" if usd is None else f"about ${usd:.3f}"


# --- the parser -----------------------------------------------------------------------

COMMANDS: list[Callable[[Any], None]] = [
    add_generate_command,
    add_serve_command,
    add_dead_letters_command,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="identity-images",
        description="Identity image pipeline: generate images, run the local stack, "
        "inspect and redrive the jobs dead-letter queue.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one command; returns the exit code (argparse exits with 2 on bad usage)."""
    console = Console(stdout=stdout or sys.stdout, stderr=stderr or sys.stderr)
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace, Console], int] = args.run
    try:
        return run(args, console)
    except UsageError as exc:
        print(f"{parser.prog} {args.command}: error: {exc}", file=console.stderr)
        return EXIT_USAGE
    except PipelineError as exc:
        console.error(exc.code.value, exc.message)
        if getattr(args, "json", False):
            print(json.dumps({"error": exc.as_dict()}), file=console.stdout)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
