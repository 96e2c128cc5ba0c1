"""The adapter through the real google-genai SDK against the local Gemini-compatible
server: every answer and failure the real API gives, and the typed error each becomes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
import pytest
from moto import mock_aws
from PIL import Image

from identity_images.adapters import aws, secrets
from identity_images.engine.gemini import GeminiImageProvider, http_options_from_settings
from identity_images.engine.references import PreparedReference
from identity_images.errors import ErrorCode, PipelineError
from identity_images.settings import Settings
from local_stack.gemini_server import LocalGeminiServer
from tests.engine_gemini.conftest import REFERENCE_COLORS, ProviderFactory


@pytest.mark.parametrize(
    ("aspect_ratio", "image_size", "width", "height", "mime_type", "pil_format"),
    [
        ("16:9", "4K", 5504, 3072, "image/jpeg", "JPEG"),
        ("1:1", "1K", 1024, 1024, "image/png", "PNG"),
        ("9:16", "2K", 1536, 2752, "image/jpeg", "JPEG"),
    ],
)
def test_returns_the_image_at_the_requested_size_with_its_mime_type(
    make_provider: ProviderFactory,
    references: list[PreparedReference],
    gemini_server: LocalGeminiServer,
    aspect_ratio: str,
    image_size: str,
    width: int,
    height: int,
    mime_type: str,
    pil_format: str,
) -> None:
    image = make_provider().generate(
        prompt="A portrait", references=references, aspect_ratio=aspect_ratio, image_size=image_size
    )

    decoded = Image.open(io.BytesIO(image.data))
    assert decoded.size == (width, height)
    assert decoded.format == pil_format
    assert (image.width, image.height, image.mime_type) == (width, height, mime_type)
    assert image.model == "gemini-3-pro-image"
    assert image.finish_reason == "STOP"
    assert gemini_server.generate_calls == 1


def test_the_image_is_made_from_the_references(
    make_provider: ProviderFactory, references: list[PreparedReference]
) -> None:
    image = make_provider().generate(
        prompt="A portrait", references=references, aspect_ratio="16:9", image_size="1K"
    )

    decoded = Image.open(io.BytesIO(image.data)).convert("RGB")
    # The stand-in lays the references out in a row: left half red, right half blue.
    left = decoded.getpixel((decoded.width // 4, decoded.height // 2))
    right = decoded.getpixel((3 * decoded.width // 4, decoded.height // 2))
    assert isinstance(left, tuple)
    assert isinstance(right, tuple)
    for got, want in ((left, REFERENCE_COLORS[0]), (right, REFERENCE_COLORS[1])):
        assert all(abs(g - w) < 12 for g, w in zip(got, want, strict=True)), (got, want)


def test_thought_parts_are_ignored(
    make_provider: ProviderFactory, references: list[PreparedReference]
) -> None:
    # The local server answers like the real model: a thought text, a small thought
    # (draft) image first, then the final image. The draft must never be taken.
    image = make_provider().generate(
        prompt="A portrait", references=references, aspect_ratio="4:3", image_size="2K"
    )

    assert (image.width, image.height) == (2400, 1792)
    assert Image.open(io.BytesIO(image.data)).size == (2400, 1792)


def test_records_usage_and_an_estimated_cost(
    make_provider: ProviderFactory, references: list[PreparedReference]
) -> None:
    image = make_provider().generate(
        prompt="A portrait", references=references, aspect_ratio="16:9", image_size="4K"
    )

    usage = image.usage
    assert usage.prompt_tokens > 2 * 560  # two images and the text
    assert usage.output_tokens == 2000
    assert usage.thoughts_tokens == 180
    assert usage.total_tokens == usage.prompt_tokens + usage.output_tokens + usage.thoughts_tokens
    # The 4K image, two input images and a few text tokens.
    assert usage.estimated_cost_usd is not None
    assert 0.24 + 2 * 0.0011 <= usage.estimated_cost_usd < 0.26


# How each failure of the API comes back: (failure, how many in a row, provider settings,
# code, retryable, details it carries, calls made).
FAILURES = [
    pytest.param(
        "prompt_blocked",
        1,
        {},
        ErrorCode.CONTENT_BLOCKED,
        False,
        {"reason": "PROHIBITED_CONTENT", "stage": "prompt"},
        1,
        id="prompt-blocked",
    ),
    pytest.param(
        "image_safety",
        1,
        {},
        ErrorCode.CONTENT_BLOCKED,
        False,
        {"reason": "IMAGE_SAFETY", "stage": "output"},
        1,
        id="image-safety",
    ),
    pytest.param(
        "http_400",
        1,
        {},
        ErrorCode.PROVIDER_REJECTED,
        False,
        {"status_code": 400},
        1,
        id="400-not-retried",
    ),
    pytest.param(
        "http_500",
        3,
        {"gemini_retry_attempts": 3},
        ErrorCode.PROVIDER_UNAVAILABLE,
        True,
        {"status_code": 500},
        3,
        id="500-outlasts-retries",
    ),
    pytest.param(
        "http_503",
        3,
        {"gemini_retry_attempts": 3},
        ErrorCode.PROVIDER_UNAVAILABLE,
        True,
        {"status_code": 503},
        3,
        id="503-outlasts-retries",
    ),
    pytest.param(
        "slow",
        2,
        {"gemini_timeout_s": 0.3, "gemini_retry_attempts": 2},
        ErrorCode.PROVIDER_UNAVAILABLE,
        True,
        {"reason": "timeout"},
        2,
        id="timeout-retried-then-unavailable",
    ),
]


@pytest.mark.parametrize(
    ("mode", "count", "overrides", "code", "retryable", "details", "calls"), FAILURES
)
def test_each_failure_becomes_its_typed_error(
    make_provider: ProviderFactory,
    references: list[PreparedReference],
    gemini_server: LocalGeminiServer,
    mode: str,
    count: int,
    overrides: dict[str, Any],
    code: ErrorCode,
    retryable: bool,
    details: dict[str, Any],
    calls: int,
) -> None:
    gemini_server.fail_next(mode, count=count)

    with pytest.raises(PipelineError) as caught:
        make_provider(**overrides).generate(
            prompt="A portrait", references=references, aspect_ratio="1:1", image_size="1K"
        )

    assert caught.value.code is code
    assert caught.value.retryable is retryable
    assert {k: caught.value.details.get(k) for k in details} == details
    assert gemini_server.generate_calls == calls
    if code is ErrorCode.CONTENT_BLOCKED:  # the message names the reason
        assert details["reason"] in caught.value.message


def test_a_prompt_directive_triggers_a_failure(
    make_provider: ProviderFactory, references: list[PreparedReference]
) -> None:
    with pytest.raises(PipelineError) as caught:
        make_provider().generate(
            prompt="A portrait [simulate:image_safety]",
            references=references,
            aspect_ratio="1:1",
            image_size="1K",
        )

    assert caught.value.code is ErrorCode.CONTENT_BLOCKED


def test_a_text_only_answer_is_no_image(
    make_provider: ProviderFactory,
    references: list[PreparedReference],
    gemini_server: LocalGeminiServer,
) -> None:
    gemini_server.fail_next("text_only")

    with pytest.raises(PipelineError) as caught:
        make_provider().generate(
            prompt="A portrait", references=references, aspect_ratio="16:9", image_size="4K"
        )

    assert caught.value.code is ErrorCode.NO_IMAGE
    assert "can't create that image" in caught.value.message
    # The thought is not reported as what the model said.
    assert "Thinking" not in caught.value.details["text"]


def test_a_429_is_retried_and_then_succeeds(
    make_provider: ProviderFactory,
    references: list[PreparedReference],
    gemini_server: LocalGeminiServer,
) -> None:
    gemini_server.fail_next("http_429")

    image = make_provider().generate(
        prompt="A portrait", references=references, aspect_ratio="1:1", image_size="1K"
    )

    assert (image.width, image.height) == (1024, 1024)
    assert gemini_server.generate_calls == 2


@dataclass(frozen=True)
class _RawReference:
    data: bytes
    mime_type: str


def test_an_image_gemini_cannot_read_is_provider_rejected(
    make_provider: ProviderFactory, gemini_server: LocalGeminiServer
) -> None:
    broken = _RawReference(data=b"\xff\xd8 not really a jpeg", mime_type="image/jpeg")

    with pytest.raises(PipelineError) as caught:
        make_provider().generate(
            prompt="A portrait", references=[broken], aspect_ratio="1:1", image_size="1K"
        )

    assert caught.value.code is ErrorCode.PROVIDER_REJECTED
    assert "Unable to process input image" in caught.value.message


@pytest.mark.parametrize(
    ("aspect_ratio", "image_size", "field"),
    [("7:3", "4K", "aspect_ratio"), ("16:9", "8K", "image_size"), ("16:9", "4k", "image_size")],
)
def test_invalid_options_are_rejected_before_any_call(
    make_provider: ProviderFactory,
    references: list[PreparedReference],
    gemini_server: LocalGeminiServer,
    aspect_ratio: str,
    image_size: str,
    field: str,
) -> None:
    with pytest.raises(PipelineError) as caught:
        make_provider().generate(
            prompt="A portrait",
            references=references,
            aspect_ratio=aspect_ratio,
            image_size=image_size,
        )

    assert caught.value.code is ErrorCode.VALIDATION_ERROR
    assert caught.value.details["field"] == field
    assert gemini_server.generate_calls == 0


def test_flash_image_records_its_own_cost(
    make_provider: ProviderFactory, references: list[PreparedReference]
) -> None:
    """The local stand-in counts as Gemini 2.5 Flash Image does (1,290 tokens an image),
    and the cost is that model's: $0.039 the image, not Gemini 3 Pro Image's $0.134."""
    usage = (
        make_provider(gemini_model="gemini-2.5-flash-image")
        .generate(prompt="A portrait", references=references, aspect_ratio="1:1", image_size="1K")
        .usage
    )

    assert usage.output_tokens == 1290
    assert usage.estimated_cost_usd is not None
    assert 0.039 < usage.estimated_cost_usd < 0.05


def test_a_model_without_known_prices_records_no_cost(
    make_provider: ProviderFactory, references: list[PreparedReference]
) -> None:
    image = make_provider(gemini_model="gemini-9-image").generate(
        prompt="A portrait", references=references, aspect_ratio="1:1", image_size="4K"
    )

    assert image.data  # the image is made all the same
    assert image.usage.output_tokens > 0
    assert image.usage.estimated_cost_usd is None


@pytest.mark.parametrize("image_size", ["2K", "4K"])
def test_a_size_the_model_does_not_make_is_refused_before_any_call(
    make_provider: ProviderFactory,
    references: list[PreparedReference],
    gemini_server: LocalGeminiServer,
    image_size: str,
) -> None:
    with pytest.raises(PipelineError) as caught:
        make_provider(gemini_model="gemini-2.5-flash-image").generate(
            prompt="A portrait", references=references, aspect_ratio="1:1", image_size=image_size
        )

    assert caught.value.code is ErrorCode.IMAGE_SIZE_UNSUPPORTED
    assert caught.value.details == {
        "field": "image_size",
        "image_size": image_size,
        "model": "gemini-2.5-flash-image",
        "allowed": ["1K"],
    }
    assert gemini_server.generate_calls == 0


def test_the_model_can_be_chosen_per_request(
    make_provider: ProviderFactory, references: list[PreparedReference]
) -> None:
    image = make_provider(gemini_model="gemini-2.5-flash-image").generate(
        prompt="A portrait",
        references=references,
        aspect_ratio="1:1",
        image_size="1K",
        model="gemini-3-pro-image-custom",
    )

    assert image.model == "gemini-3-pro-image-custom"


def test_an_unreachable_server_is_provider_unavailable(
    references: list[PreparedReference],
) -> None:
    with LocalGeminiServer() as server:
        url = server.url  # a port that was free a moment ago and is closed now
    provider = GeminiImageProvider.from_settings(
        Settings(
            gemini_api_key=None,
            gemini_base_url=url,
            gemini_retry_attempts=1,
            gemini_timeout_s=5,
        )
    )

    with pytest.raises(PipelineError) as caught:
        provider.generate(
            prompt="A portrait", references=references, aspect_ratio="1:1", image_size="1K"
        )

    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert caught.value.retryable is True


def test_without_a_key_or_a_base_url_it_explains_the_local_server() -> None:
    settings = Settings(
        gemini_api_key=None,
        gemini_api_key_secret_arn=None,
        gemini_base_url=None,
        gemini_use_vertex=False,
    )

    with pytest.raises(PipelineError) as caught:
        GeminiImageProvider.from_settings(settings)

    assert caught.value.code is ErrorCode.PROVIDER_NOT_CONFIGURED
    assert "GEMINI_API_KEY" in caught.value.message
    assert "python -m local_stack.gemini_server" in caught.value.message
    assert "GEMINI_BASE_URL" in caught.value.message


def test_vertex_without_a_project_or_a_key_is_not_configured() -> None:
    settings = Settings(gemini_api_key=None, gemini_use_vertex=True, google_cloud_project=None)

    with pytest.raises(PipelineError) as caught:
        GeminiImageProvider.from_settings(settings)

    assert caught.value.code is ErrorCode.PROVIDER_NOT_CONFIGURED


def test_http_options_carry_timeout_in_milliseconds_and_retry_codes() -> None:
    options = http_options_from_settings(
        Settings(
            gemini_base_url="http://127.0.0.1:9",
            gemini_api_version="v1",
            gemini_timeout_s=2.5,
            gemini_retry_attempts=4,
            gemini_retry_initial_delay_s=1.0,
            gemini_retry_max_delay_s=8.0,
        )
    )

    assert options.base_url == "http://127.0.0.1:9"
    assert options.api_version == "v1"
    assert options.timeout == 2500
    assert options.retry_options is not None
    assert options.retry_options.attempts == 4
    assert options.retry_options.initial_delay == 1.0
    assert options.retry_options.max_delay == 8.0
    assert options.retry_options.http_status_codes == [408, 429, 500, 502, 503, 504]


def test_the_api_key_reaches_the_server(
    make_provider: ProviderFactory,
    references: list[PreparedReference],
    gemini_server: LocalGeminiServer,
) -> None:
    # The local server refuses calls without a key, as the real API does; a real key
    # from settings is what the SDK sends.
    response = httpx.post(
        f"{gemini_server.url}/v1beta/models/gemini-3-pro-image:generateContent",
        json={"contents": [{"parts": [{"text": "hi"}]}]},
    )
    assert response.status_code == 403

    image = make_provider(gemini_api_key="a-real-looking-key").generate(
        prompt="A portrait", references=references, aspect_ratio="1:1", image_size="1K"
    )
    assert image.width == 1024
    assert gemini_server.last_api_key == "a-real-looking-key"


def test_the_key_can_come_from_secrets_manager(
    make_provider: ProviderFactory,
    references: list[PreparedReference],
    gemini_server: LocalGeminiServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    aws.reset_clients()
    secrets.clear_cache()
    try:
        with mock_aws():
            arn = boto3.client("secretsmanager", region_name="us-east-1").create_secret(
                Name="gemini/key", SecretString="key-from-secrets-manager"
            )["ARN"]
            provider = make_provider(gemini_api_key="env-key", gemini_api_key_secret_arn=arn)
    finally:
        aws.reset_clients()
        secrets.clear_cache()

    provider.generate(
        prompt="A portrait", references=references, aspect_ratio="1:1", image_size="1K"
    )

    assert gemini_server.last_api_key == "key-from-secrets-manager"


def test_vertex_ai_mode_builds_a_vertex_client() -> None:
    provider = GeminiImageProvider.from_settings(
        Settings(gemini_use_vertex=True, google_cloud_project="my-project")
    )

    assert provider.default_model == "gemini-3-pro-image"
    assert provider._client.vertexai is True
