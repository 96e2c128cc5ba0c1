"""Reference preparation: this engine against the seed's way, measured in the same run.

Five phone-sized photos (4032x3024 JPEG, quality 92, with an EXIF orientation, made in code
so the run needs no files) go to Gemini two ways, both through the real `google-genai` SDK:

- the seed's way: `Image.open` on each uploaded file and `contents=[prompt, *images]`; the
  SDK re-encodes every PIL image as PNG (`_transformers.pil_to_blob`);
- this engine: `prepare_reference` on each file and `types.Part.from_bytes(data, mime_type)`.

The SDK's HTTP client gets a transport that records the request body it would send (the
base64-in-JSON bytes) and answers at once, so the times are the client-side cost only.

Peak memory is the whole generation as the worker runs it (`generate_identity_image` with
`GeminiImageProvider`, 16:9 at 4K, then the output's renditions, `engine.preview`) in a fresh
interpreter: once against the local Gemini-compatible server over HTTP, and once answered
with a photo-like 4K PNG (the largest answer the model gives).

Every measurement runs in its own subprocess (`python -m benchmarks.references <mode>`),
so one does not inflate another's peak memory (`ru_maxrss`).
"""

from __future__ import annotations

import base64
import io
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from benchmarks import Figure, Report, megabytes, seconds
from benchmarks.child import run_step

PHOTO_SIZE = (4032, 3024)
ORIENTATIONS = (6, 6, 8, 3, 6)  # phones mostly write 6 (held upright)
PHOTO_QUALITY = 92
ANSWER_SIZE = (5504, 3072)  # 16:9 at 4K
ASPECT_RATIO, IMAGE_SIZE = "16:9", "4K"
MODEL = "gemini-3-pro-image"
IDENTITY = ("Ada Lovelace", "Mathematician; writes the first published program.")

TARGET_PREPARED_BYTES = 2_500_000
TARGET_FEWER_BYTES = 25.0
TARGET_FASTER = 10.0
TARGET_PEAK_RSS = 300_000_000
#: A preview is about 100 KB: a history of 20 loads in well under 5 MB.
TARGET_PREVIEW_BYTES = 150_000
PREVIEW_LONG_SIDE = 768
#: The small and the large rendition made with it (`Settings.small_max_long_side`,
#: `Settings.large_max_long_side`), part of the step's peak.
SMALL_LONG_SIDE = 384
LARGE_LONG_SIDE = 1536

_TEXT_ANSWER = json.dumps(
    {
        "candidates": [
            {"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}
        ]
    }
).encode()


# --- inputs -------------------------------------------------------------------------------


def photo_like(size: tuple[int, int], seed: int) -> Image.Image:
    """Smooth light, a few shapes, some texture and per-pixel sensor noise: PNG compresses
    it about as badly as a real phone photo (some 11 MB at 12 MP). Deterministic."""
    rng = random.Random(seed)  # noqa: S311 - test pictures, not secrets
    width, height = size
    ramp = Image.linear_gradient("L").resize(size)
    glow = Image.radial_gradient("L").resize(size)
    image = Image.merge(
        "RGB", (ramp, glow.rotate(90), ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    )
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y, side = rng.randrange(width), rng.randrange(height), rng.randrange(100, 900)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + side, y + side * 1.3), fill=colour)
    coarse_size = (width // 8, height // 8)
    coarse = Image.frombytes("L", coarse_size, rng.randbytes(coarse_size[0] * coarse_size[1]))
    texture = coarse.resize(size, Image.Resampling.BICUBIC)
    image = Image.blend(image, Image.merge("RGB", (texture, texture, texture)), 0.15)
    noise = Image.frombytes("RGB", size, rng.randbytes(width * height * 3))
    return Image.blend(image, noise, 0.045)


def phone_photo(seed: int, orientation: int) -> bytes:
    """A 4032x3024 JPEG as a phone writes it: stored sideways, EXIF says how to turn it."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Benchmark Phone"
    out = io.BytesIO()
    photo_like(PHOTO_SIZE, seed).save(out, "JPEG", quality=PHOTO_QUALITY, exif=exif.tobytes())
    return out.getvalue()


def png_answer() -> bytes:
    """A generateContent answer whose image is a photo-like 16:9 4K PNG."""
    out = io.BytesIO()
    photo_like(ANSWER_SIZE, seed=99).save(out, "PNG", compress_level=1)
    data = base64.b64encode(out.getvalue()).decode()
    part = {"inlineData": {"mimeType": "image/png", "data": data}}
    answer = {
        "candidates": [
            {"content": {"role": "model", "parts": [part]}, "finishReason": "STOP", "index": 0}
        ],
        "modelVersion": MODEL,
    }
    return json.dumps(answer).encode()


# --- the measurements, each run in a fresh interpreter -------------------------------------


def _peak_rss() -> int:
    """This process's peak resident memory, in bytes.

    Linux's `VmHWM` belongs to the process image, so it starts afresh at exec. `ru_maxrss`
    does not: it keeps the high-water mark of the parent the child was forked from.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (
        1 if sys.platform == "darwin" else 1024
    )


def _read_photos(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.jpg"))]


def _recording_client(answer: bytes) -> tuple[Any, list[int]]:
    """A real SDK client whose transport records each request body and answers `answer`."""
    import httpx
    from google import genai
    from google.genai import types

    sizes: list[int] = []

    def respond(request: httpx.Request) -> httpx.Response:
        sizes.append(len(request.content))
        return httpx.Response(200, content=answer, headers={"content-type": "application/json"})

    options = types.HttpOptions(
        base_url="http://gemini.benchmark.invalid",
        httpx_client=httpx.Client(transport=httpx.MockTransport(respond)),
    )
    return genai.Client(api_key="benchmark", http_options=options), sizes


def _config() -> Any:
    from google.genai import types

    return types.GenerateContentConfig(
        response_modalities=["TEXT", "IMAGE"],
        image_config=types.ImageConfig(aspect_ratio=ASPECT_RATIO, image_size=IMAGE_SIZE),
    )


def _prompt() -> str:
    from identity_images.engine.prompt import build_prompt

    return build_prompt(
        identity_name=IDENTITY[0], identity_description=IDENTITY[1], extra_prompt=""
    )


def measure_seed(folder: Path) -> dict[str, Any]:
    """The seed's way: PIL images straight into `contents`."""
    client, sizes = _recording_client(_TEXT_ANSWER)
    prompt, config, photos = _prompt(), _config(), _read_photos(folder)
    rss_ready = _peak_rss()
    started = time.perf_counter()
    images = [Image.open(io.BytesIO(data)) for _, data in photos]
    client.models.generate_content(model=MODEL, contents=[prompt, *images], config=config)
    elapsed = time.perf_counter() - started
    return {"request_bytes": sizes[0], "seconds": elapsed, "rss_ready": rss_ready}


def measure_engine(folder: Path) -> dict[str, Any]:
    """This engine: prepare each file, send the bytes with their mime type."""
    from google.genai import types

    from identity_images.engine.references import ReferenceRules, prepare_reference

    client, sizes = _recording_client(_TEXT_ANSWER)
    prompt, config, photos, rules = _prompt(), _config(), _read_photos(folder), ReferenceRules()
    rss_ready = _peak_rss()
    started = time.perf_counter()
    prepared = [prepare_reference(data, name=name, rules=rules) for name, data in photos]
    parts = [types.Part.from_bytes(data=p.data, mime_type=p.mime_type) for p in prepared]
    client.models.generate_content(model=MODEL, contents=[prompt, *parts], config=config)
    elapsed = time.perf_counter() - started
    return {
        "request_bytes": sizes[0],
        "seconds": elapsed,
        "rss_ready": rss_ready,
        "prepared_bytes": sum(len(p.data) for p in prepared),
        "sizes": [f"{p.width}x{p.height}" for p in prepared],
    }


def _generate(folder: Path, provider_for: Callable[[], Any]) -> dict[str, Any]:
    from identity_images.engine.generation import (
        GenerationRequest,
        ReferenceFile,
        generate_identity_image,
    )
    from identity_images.engine.preview import make_renditions
    from identity_images.engine.references import ReferenceRules

    provider = provider_for()
    photos = _read_photos(folder)
    rss_ready = _peak_rss()
    started = time.perf_counter()
    result = generate_identity_image(
        GenerationRequest(
            identity_name=IDENTITY[0],
            identity_description=IDENTITY[1],
            prompt="",
            references=[ReferenceFile(name=name, data=data) for name, data in photos],
            aspect_ratio=ASPECT_RATIO,
            image_size=IMAGE_SIZE,
        ),
        provider=provider,
        rules=ReferenceRules(),
    )
    generated = time.perf_counter()
    image = result.image
    # The worker's step: the small rendition, the preview and the large one, from one decode.
    _small, preview, _large = make_renditions(
        image.data, long_sides=(SMALL_LONG_SIDE, PREVIEW_LONG_SIDE, LARGE_LONG_SIDE)
    )
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "preview_seconds": done - generated,
        "preview_bytes": len(preview.data),
        "preview_size": f"{preview.width}x{preview.height}",
        "rss_ready": rss_ready,
        "rss_peak": _peak_rss(),
        "output": f"{image.width}x{image.height} {image.mime_type}, {megabytes(len(image.data))}",
    }


def measure_generate_local(folder: Path, base_url: str) -> dict[str, Any]:
    """The whole generation against the local Gemini-compatible server, over HTTP."""
    from identity_images.engine.gemini import GeminiImageProvider
    from identity_images.settings import Settings

    settings = Settings(gemini_base_url=base_url, gemini_api_key=None, gemini_use_vertex=False)
    return _generate(folder, lambda: GeminiImageProvider.from_settings(settings))


def measure_generate_png(folder: Path, answer_file: Path) -> dict[str, Any]:
    """The whole generation, answered with a photo-like 4K PNG (the heaviest answer)."""
    from identity_images.engine.gemini import GeminiImageProvider

    answer = answer_file.read_bytes()

    def provider() -> Any:
        client, _ = _recording_client(answer)
        return GeminiImageProvider(client, default_model=MODEL)

    result = _generate(folder, provider)
    result["answer_bytes"] = len(answer)
    return result


_MODES: dict[str, Callable[..., dict[str, Any]]] = {
    "seed": measure_seed,
    "engine": measure_engine,
    "generate-local": measure_generate_local,
    "generate-png": measure_generate_png,
}


def _in_subprocess(mode: str, *args: str) -> dict[str, Any]:
    return run_step("benchmarks.references", mode, *args)


# --- the report -----------------------------------------------------------------------------


def run() -> Report:
    from local_stack.gemini_server import LocalGeminiServer

    with tempfile.TemporaryDirectory(prefix="bench-references-") as tmp:
        folder = Path(tmp)
        for i, orientation in enumerate(ORIENTATIONS):
            (folder / f"IMG_{i:04d}.jpg").write_bytes(phone_photo(seed=i, orientation=orientation))
        uploaded = sum(p.stat().st_size for p in folder.glob("*.jpg"))
        answer_file = folder / "answer.json"
        answer_file.write_bytes(png_answer())

        seed = _in_subprocess("seed", str(folder))
        engine = _in_subprocess("engine", str(folder))
        with LocalGeminiServer() as server:
            local = _in_subprocess("generate-local", str(folder), server.url)
        heavy = _in_subprocess("generate-png", str(folder), str(answer_file))

    fewer = seed["request_bytes"] / engine["request_bytes"]
    faster = seed["seconds"] / engine["seconds"]
    figures = (
        Figure(
            "request body, 5 photos (base64 JSON)",
            megabytes(seed["request_bytes"]),
            megabytes(engine["request_bytes"]),
            f"{fewer:.0f}x fewer bytes",
            f">= {TARGET_FEWER_BYTES:.0f}x",
            fewer >= TARGET_FEWER_BYTES,
        ),
        Figure(
            "prepared references, total",
            f"{megabytes(uploaded)} uploaded",
            megabytes(engine["prepared_bytes"]),
            f"{uploaded / engine['prepared_bytes']:.1f}x smaller than uploaded",
            f"<= {megabytes(TARGET_PREPARED_BYTES)}",
            engine["prepared_bytes"] <= TARGET_PREPARED_BYTES,
        ),
        Figure(
            "prepare + build the request, 5 photos, one thread",
            seconds(seed["seconds"]),
            seconds(engine["seconds"]),
            f"{faster:.0f}x faster",
            f">= {TARGET_FASTER:.0f}x",
            faster >= TARGET_FASTER,
        ),
        Figure(
            "peak memory, whole generation at 4K + renditions (local server)",
            "",
            megabytes(local["rss_peak"]),
            f"{megabytes(local['rss_ready'])} before the work",
            f"<= {megabytes(TARGET_PEAK_RSS)}",
            local["rss_peak"] <= TARGET_PEAK_RSS,
        ),
        Figure(
            "peak memory, whole generation + renditions, worst case: a photo-like 4K PNG answer",
            "",
            megabytes(heavy["rss_peak"]),
            f"answer {megabytes(heavy['answer_bytes'])}; "
            + ("within" if heavy["rss_peak"] <= TARGET_PEAK_RSS else "over")
            + f" {megabytes(TARGET_PEAK_RSS)}",
        ),
        Figure(
            "preview of the photo-like 4K PNG (JPEG, long side 768)",
            megabytes(heavy["answer_bytes"]),
            megabytes(heavy["preview_bytes"]),
            f"{heavy['preview_size']}, {seconds(heavy['preview_seconds'])}; "
            f"20 in a history: {megabytes(20 * heavy['preview_bytes'])}",
            f"<= {megabytes(TARGET_PREVIEW_BYTES)}",
            heavy["preview_bytes"] <= TARGET_PREVIEW_BYTES,
        ),
        Figure(
            "peak memory, building the request only",
            megabytes(_peak(seed)),
            megabytes(_peak(engine)),
            f"{_peak(seed) / _peak(engine):.1f}x less",
        ),
    )
    notes = (
        f"Photos: {len(ORIENTATIONS)} x {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG q{PHOTO_QUALITY}, "
        f"EXIF orientations {', '.join(map(str, ORIENTATIONS))}; prepared as "
        f"{', '.join(engine['sizes'])} (turned upright; the seed's way sends them sideways).",
        f"Whole generation: {seconds(local['seconds'])} against the local server "
        f"(output {local['output']}), {seconds(heavy['seconds'])} with the PNG answer "
        f"(output {heavy['output']}); peak = the process's peak RSS (VmHWM), imports included.",
        "Most of the worst case's memory is the SDK parsing the JSON answer (the body, its "
        "text, the parsed base64 string, the decoded image), which no caller can stream; "
        "`benchmarks/worker_memory.py` breaks it down, with the renditions step.",
    )
    return Report(
        name="references",
        title="Reference preparation: this engine against the seed's way (same run)",
        figures=figures,
        notes=notes,
    )


def _peak(figures: dict[str, Any]) -> int:
    return int(figures.get("rss_peak", figures["rss_ready"]))


def main(argv: list[str]) -> int:
    mode, *args = argv
    figures = _MODES[mode](*[Path(a) if not a.startswith("http") else a for a in args])
    figures.setdefault("rss_peak", _peak_rss())
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
