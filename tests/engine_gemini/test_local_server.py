"""The local Gemini-compatible server itself: its control endpoints, its error shape, its
image and that it serves several callers at once."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from PIL import Image

from identity_images.engine.gemini import GeminiImageProvider, GeneratedImage
from identity_images.engine.options import ASPECT_RATIOS, output_dimensions
from identity_images.engine.references import PreparedReference
from identity_images.errors import ErrorCode, PipelineError
from identity_images.settings import Settings
from local_stack.gemini_image import draw_stand_in
from local_stack.gemini_server import LocalGeminiServer
from tests.engine_gemini.conftest import ProviderFactory, jpeg_bytes

GENERATE = "/v1beta/models/gemini-3-pro-image:generateContent"


def test_control_endpoints_queue_failures_and_report_calls(
    make_provider: ProviderFactory,
    references: list[PreparedReference],
    gemini_server: LocalGeminiServer,
) -> None:
    queued = httpx.post(f"{gemini_server.url}/_local/failures", json={"mode": "text_only"})
    assert queued.status_code == 200

    with pytest.raises(PipelineError) as caught:
        make_provider().generate(
            prompt="p", references=references, aspect_ratio="1:1", image_size="1K"
        )
    make_provider().generate(prompt="p", references=references, aspect_ratio="1:1", image_size="1K")

    assert caught.value.code is ErrorCode.NO_IMAGE
    stats = httpx.get(f"{gemini_server.url}/_local/stats").json()
    assert stats["generate_calls"] == 2
    assert stats["queued_failures"] == []


def test_an_unknown_failure_mode_is_refused(gemini_server: LocalGeminiServer) -> None:
    response = httpx.post(f"{gemini_server.url}/_local/failures", json={"mode": "explode"})

    assert response.status_code == 400
    assert "explode" in response.json()["error"]["message"]
    with pytest.raises(ValueError, match="explode"):
        gemini_server.fail_next("explode")


@pytest.mark.parametrize(
    ("path", "body", "status", "status_name"),
    [
        (GENERATE, b"{not json", 400, "INVALID_ARGUMENT"),
        (GENERATE, b'{"contents": []}', 400, "INVALID_ARGUMENT"),
        ("/v1beta/models/x:countTokens", b"{}", 404, "NOT_FOUND"),
    ],
)
def test_errors_have_the_apis_shape(
    gemini_server: LocalGeminiServer, path: str, body: bytes, status: int, status_name: str
) -> None:
    response = httpx.post(
        f"{gemini_server.url}{path}", content=body, headers={"x-goog-api-key": "k"}
    )

    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == status
    assert error["status"] == status_name
    assert error["message"]


def test_the_answer_has_the_real_apis_shape(gemini_server: LocalGeminiServer) -> None:
    response = httpx.post(
        f"{gemini_server.url}{GENERATE}",
        headers={"x-goog-api-key": "k"},
        json={
            "contents": [{"role": "user", "parts": [{"text": "hello"}]}],
            "generationConfig": {"imageConfig": {"aspectRatio": "21:9", "imageSize": "1K"}},
        },
    )

    answer = response.json()
    parts = answer["candidates"][0]["content"]["parts"]
    assert answer["candidates"][0]["finishReason"] == "STOP"
    assert [bool(p.get("thought")) for p in parts] == [True, True, False]
    assert "thoughtSignature" in parts[-1]
    assert parts[-1]["inlineData"]["mimeType"] == "image/png"
    assert set(answer["usageMetadata"]) == {
        "promptTokenCount",
        "candidatesTokenCount",
        "thoughtsTokenCount",
        "totalTokenCount",
    }


@pytest.mark.parametrize("aspect_ratio", ASPECT_RATIOS)
def test_the_stand_in_has_the_models_exact_size(aspect_ratio: str) -> None:
    width, height = output_dimensions(aspect_ratio, "1K")

    image = draw_stand_in(
        width=width, height=height, prompt="p", references=[jpeg_bytes((9, 9, 9))]
    )

    assert Image.open(io.BytesIO(image.data)).size == (width, height)


@pytest.mark.parametrize("aspect_ratio", ASPECT_RATIOS)
def test_the_stand_ins_words_fit_inside_it(aspect_ratio: str) -> None:
    """Its banner and the prompt under the photos, whole on every ratio: the edges of the
    banner are banner red, and the text's rows end in the background, not in a letter cut
    off (a portrait's banner ran off both sides, a long word off the right)."""
    width, height = output_dimensions(aspect_ratio, "1K")
    prompt = "A chef at the pass " + "W" * 200
    image = Image.open(
        io.BytesIO(
            draw_stand_in(
                width=width, height=height, prompt=prompt, references=[jpeg_bytes((9, 9, 9))]
            ).data
        )
    ).convert("RGB")
    unit = min(width, height)
    edge = max(4, unit // 40)  # the drawing's margin
    banner_rows = range(unit // 10)
    text_rows = range(height - unit // 4, height)
    red = image.getpixel((width // 2, 1))
    background = image.getpixel((1, height - 1))

    for y in banner_rows:
        for x in [*range(edge), *range(width - edge, width)]:
            assert image.getpixel((x, y)) == red, (x, y)
    for y in text_rows:
        for x in range(width - edge, width):
            assert image.getpixel((x, y)) == background, (x, y)


def test_it_serves_several_callers_at_once(
    make_provider: ProviderFactory, gemini_server: LocalGeminiServer
) -> None:
    provider = make_provider()
    colors = [(200, 0, 0), (0, 200, 0), (0, 0, 200), (200, 200, 0)]

    def one(color: tuple[int, int, int]) -> GeneratedImage:
        ref = _Raw(jpeg_bytes(color))
        return provider.generate(prompt="p", references=[ref], aspect_ratio="3:2", image_size="1K")

    with ThreadPoolExecutor(max_workers=4) as pool:
        images = list(pool.map(one, colors))

    assert gemini_server.generate_calls == 4
    for image, color in zip(images, colors, strict=True):
        decoded = Image.open(io.BytesIO(image.data)).convert("RGB")
        assert decoded.size == (1264, 848)
        center = decoded.getpixel((decoded.width // 2, decoded.height // 2))
        assert isinstance(center, tuple)
        assert all(abs(c - w) < 12 for c, w in zip(center, color, strict=True))


class _Raw:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.mime_type = "image/jpeg"


def test_an_answer_delay_holds_every_answer_and_drawing_time_is_reported(
    references: list[PreparedReference],
) -> None:
    with LocalGeminiServer(answer_delay_s=0.4) as server:
        settings = Settings(
            gemini_base_url=server.url,
            gemini_api_key=None,
            gemini_api_key_secret_arn=None,
            gemini_use_vertex=False,
        )
        provider = GeminiImageProvider.from_settings(settings)
        started = time.monotonic()
        image = provider.generate(
            prompt="p", references=references, aspect_ratio="1:1", image_size="1K"
        )
        waited = time.monotonic() - started
        stats = httpx.get(f"{server.url}/_local/stats").json()

    assert (image.width, image.height) == output_dimensions("1:1", "1K")
    assert waited >= 0.4  # never answered before the delay
    assert stats["generate_calls"] == 1
    assert len(stats["draw_seconds"]) == 1
    assert 0 < stats["draw_seconds"][0] < waited
