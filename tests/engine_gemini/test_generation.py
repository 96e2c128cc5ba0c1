"""`generate_identity_image`: validation first, then prepared references, the one prompt
and the provider, through the real SDK against the local server."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from identity_images.engine.gemini import GeminiImageProvider
from identity_images.engine.generation import (
    MAX_IMAGES_PER_REQUEST,
    GenerationRequest,
    ReferenceFile,
    generate_identity_image,
)
from identity_images.engine.references import ReferenceRules
from identity_images.errors import ErrorCode, PipelineError
from local_stack.gemini_server import LocalGeminiServer
from tests.engine_gemini.conftest import ProviderFactory, jpeg_bytes
from tests.support.fakes import RecordingProvider

RULES = ReferenceRules(max_long_side=512)


def _request(**overrides: object) -> GenerationRequest:
    values: dict[str, object] = {
        "identity_name": "Ada Lovelace",
        "identity_description": "Mathematician",
        "prompt": "Victorian study",
        "references": [
            ReferenceFile("a.jpg", jpeg_bytes((200, 30, 30), (2000, 1500))),
            ReferenceFile("b.jpg", jpeg_bytes((30, 30, 200), (1200, 1600))),
        ],
        "aspect_ratio": "16:9",
        "image_size": "4K",
    }
    values.update(overrides)
    return GenerationRequest(**values)  # type: ignore[arg-type]


def test_generates_a_16_9_4k_image_from_prepared_references(
    make_provider: ProviderFactory, gemini_server: LocalGeminiServer
) -> None:
    result = generate_identity_image(_request(), provider=make_provider(), rules=RULES)

    assert Image.open(io.BytesIO(result.image.data)).size == (5504, 3072)
    assert [ref.name for ref in result.references] == ["a.jpg", "b.jpg"]
    assert all(max(ref.width, ref.height) <= 512 for ref in result.references)
    assert all(ref.mime_type == "image/jpeg" for ref in result.references)
    assert result.request_bytes == sum(len(ref.data) for ref in result.references)
    assert result.request_bytes < sum(len(r.data) for r in _request().references)
    assert result.prepare_s >= 0
    assert result.provider_s >= 0
    assert gemini_server.generate_calls == 1


def test_the_prompt_is_built_from_the_identity_and_the_admins_prompt() -> None:
    provider = RecordingProvider()

    generate_identity_image(_request(model="other-model"), provider=provider, rules=RULES)

    assert len(provider.prompts) == 1
    assert "Ada Lovelace" in provider.prompts[0]
    assert "Mathematician" in provider.prompts[0]
    assert "Victorian study" in provider.prompts[0]
    assert [[r.mime_type for r in sent] for sent in provider.sent] == [["image/jpeg", "image/jpeg"]]


def test_a_broken_reference_fails_before_gemini_is_called(
    make_provider: ProviderFactory, gemini_server: LocalGeminiServer
) -> None:
    request = _request(
        references=[ReferenceFile("ok.jpg", jpeg_bytes((1, 2, 3))), ReferenceFile("bad.jpg", b"no")]
    )

    with pytest.raises(PipelineError) as caught:
        generate_identity_image(request, provider=make_provider(), rules=RULES)

    assert caught.value.code is ErrorCode.REFERENCE_INVALID
    assert "bad.jpg" in caught.value.message
    assert gemini_server.generate_calls == 0


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"aspect_ratio": "5:3"}, ErrorCode.VALIDATION_ERROR, "aspect_ratio"),
        ({"image_size": "16K"}, ErrorCode.VALIDATION_ERROR, "image_size"),
        ({"references": []}, ErrorCode.VALIDATION_ERROR, "references"),
        (
            {"references": [ReferenceFile("x.jpg", b"x")] * (MAX_IMAGES_PER_REQUEST + 1)},
            ErrorCode.TOO_MANY_IMAGES,
            "references",
        ),
        ({"identity_name": "   "}, ErrorCode.IDENTITY_UNNAMED, "identity_name"),
        ({"identity_name": "Ada\u202eecalevoL"}, ErrorCode.CHARACTER_NOT_ALLOWED, "identity_name"),
        (
            {"identity_description": "A chef.\U000e0049\U000e0067\U000e006e"},
            ErrorCode.CHARACTER_NOT_ALLOWED,
            "identity_description",
        ),
    ],
)
def test_a_bad_request_is_refused_and_calls_nothing(
    overrides: dict[str, object], code: ErrorCode, field: str
) -> None:
    """The count and the identity's words are the API's rules too (`generation_rules`): the
    same codes whichever refuses them."""
    provider = RecordingProvider()

    with pytest.raises(PipelineError) as caught:
        generate_identity_image(_request(**overrides), provider=provider, rules=RULES)

    assert caught.value.code is code
    assert caught.value.details["field"] == field
    assert provider.prompts == []


def test_provider_errors_pass_through_unchanged(
    make_provider: ProviderFactory, gemini_server: LocalGeminiServer
) -> None:
    gemini_server.fail_next("image_safety")

    with pytest.raises(PipelineError) as caught:
        generate_identity_image(_request(), provider=make_provider(), rules=RULES)

    assert caught.value.code is ErrorCode.CONTENT_BLOCKED


def test_the_real_provider_satisfies_the_protocol(make_provider: ProviderFactory) -> None:
    provider: GeminiImageProvider = make_provider()
    result = generate_identity_image(
        _request(aspect_ratio="1:1", image_size="1K"), provider=provider, rules=RULES
    )
    assert (result.image.width, result.image.height) == (1024, 1024)
