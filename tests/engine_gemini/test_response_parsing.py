"""Reading answers the local server does not produce (several final images, a mislabelled
or broken image, other finish reasons): a tiny server replies with fixed JSON, so the real
SDK still parses every answer."""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from PIL import Image

from identity_images.engine.gemini import GeminiImageProvider
from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.jobs import BilledError
from identity_images.settings import Settings


def _png(size: tuple[int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, (1, 2, 3)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def _jpeg(size: tuple[int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, (1, 2, 3)).save(out, format="JPEG")
    return base64.b64encode(out.getvalue()).decode()


class _FixedAnswer:
    """A server that answers every generateContent with `answer`."""

    def __init__(self) -> None:
        self.answer: dict[str, Any] | str = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                answer = owner.answer
                body = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def fixed() -> Iterator[_FixedAnswer]:
    server = _FixedAnswer()
    thread = threading.Thread(
        target=server.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _generate(fixed: _FixedAnswer, answer: dict[str, Any] | str) -> Any:
    fixed.answer = answer
    provider = GeminiImageProvider.from_settings(
        Settings(gemini_api_key=None, gemini_base_url=fixed.url, gemini_retry_attempts=1)
    )
    return provider.generate(prompt="p", references=[], aspect_ratio="1:1", image_size="1K")


def _candidate(parts: list[dict[str, Any]], finish: str = "STOP") -> dict[str, Any]:
    return {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": finish}]}


def test_the_last_non_thought_image_wins_and_its_mime_type_is_read(fixed: _FixedAnswer) -> None:
    image = _generate(
        fixed,
        _candidate(
            [
                {"inlineData": {"mimeType": "image/png", "data": _png((64, 64))}},
                {"text": "draft", "thought": True},
                {"inlineData": {"mimeType": "image/jpeg", "data": _jpeg((1024, 1024))}},
                {"inlineData": {"mimeType": "image/png", "data": _png((32, 32))}, "thought": True},
            ]
        ),
    )

    assert (image.width, image.height, image.mime_type) == (1024, 1024, "image/jpeg")


def test_a_mislabelled_image_reports_its_real_type(fixed: _FixedAnswer) -> None:
    image = _generate(
        fixed, _candidate([{"inlineData": {"mimeType": "image/png", "data": _jpeg((20, 10))}}])
    )

    assert (image.width, image.height, image.mime_type) == (20, 10, "image/jpeg")


def test_bytes_that_are_not_an_image_are_no_image(fixed: _FixedAnswer) -> None:
    junk = base64.b64encode(b"definitely not an image").decode()
    with pytest.raises(PipelineError) as caught:
        _generate(fixed, _candidate([{"inlineData": {"mimeType": "image/png", "data": junk}}]))

    assert caught.value.code is ErrorCode.NO_IMAGE


@pytest.mark.parametrize("reason", ["PROHIBITED_CONTENT", "SAFETY", "NO_IMAGE", "IMAGE_OTHER"])
def test_a_blocking_finish_reason_is_content_blocked(fixed: _FixedAnswer, reason: str) -> None:
    with pytest.raises(PipelineError) as caught:
        _generate(fixed, {"candidates": [{"finishReason": reason}]})

    assert caught.value.code is ErrorCode.CONTENT_BLOCKED
    assert caught.value.details["reason"] == reason


@pytest.mark.parametrize(
    "answer",
    [
        {"candidates": [{"finishReason": "IMAGE_SAFETY"}]},
        {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}},
        _candidate([{"text": "I can't make that image."}]),
    ],
    ids=["image_safety", "prompt_blocked", "text_only"],
)
def test_an_answer_without_an_image_carries_what_it_was_billed_for(
    fixed: _FixedAnswer, answer: dict[str, Any]
) -> None:
    """A 200 is billed, image or not: the error carries the answer's counts and their cost
    without an output image, for the failed job to record."""
    counts = {"promptTokenCount": 40, "candidatesTokenCount": 15, "thoughtsTokenCount": 100}
    with pytest.raises(PipelineError) as caught:
        _generate(fixed, {**answer, "usageMetadata": {**counts, "totalTokenCount": 155}})

    assert isinstance(caught.value, BilledError)
    usage = caught.value.usage
    assert (usage.prompt_tokens, usage.output_tokens, usage.thoughts_tokens) == (40, 15, 100)
    assert usage.estimated_cost_usd == pytest.approx(40 * 2e-6 + 115 * 12e-6)


def test_a_failure_before_any_answer_carries_no_usage(fixed: _FixedAnswer) -> None:
    with pytest.raises(PipelineError) as caught:
        _generate(fixed, "<html>a proxy error page</html>")

    assert not isinstance(caught.value, BilledError)


def test_no_candidates_is_no_image(fixed: _FixedAnswer) -> None:
    with pytest.raises(PipelineError) as caught:
        _generate(fixed, {"candidates": []})

    assert caught.value.code is ErrorCode.NO_IMAGE


def test_only_thought_images_is_no_image(fixed: _FixedAnswer) -> None:
    with pytest.raises(PipelineError) as caught:
        _generate(
            fixed,
            _candidate(
                [{"inlineData": {"mimeType": "image/png", "data": _png((8, 8))}, "thought": True}]
            ),
        )

    assert caught.value.code is ErrorCode.NO_IMAGE


def test_an_answer_that_is_not_json_is_provider_unavailable(fixed: _FixedAnswer) -> None:
    with pytest.raises(PipelineError) as caught:
        _generate(fixed, "<html>a proxy error page</html>")

    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert caught.value.retryable is True


def test_the_recorded_cost_bills_thinking_tokens_as_output_text(fixed: _FixedAnswer) -> None:
    """Gemini bills thinking tokens (`thoughtsTokenCount`, counted apart from the answer's
    `candidatesTokenCount`) at the output text rate, $12 per million for the image model;
    the draft images it thinks with are not billed apart."""

    def cost(thoughts: int) -> float:
        answer = _candidate([{"inlineData": {"mimeType": "image/png", "data": _png((8, 8))}}])
        answer["usageMetadata"] = {
            "promptTokenCount": 10,
            "candidatesTokenCount": 1120,  # the 1K image
            "thoughtsTokenCount": thoughts,
            "totalTokenCount": 10 + 1120 + thoughts,
        }
        return float(_generate(fixed, answer).usage.estimated_cost_usd)

    assert cost(0) == pytest.approx(0.134 + 10 * 2e-6)
    assert cost(5000) == pytest.approx(cost(0) + 5000 * 12e-6)
