"""Bodies and answers of the public API. The OpenAPI schema is generated from these.

Every model here is an `ApiModel`: pydantic builds its validator and serializer on first
use, not at import (`defer_build`). A request uses one or two of them, so a cold start
builds only those; Powertools' TypeAdapters for a route's documented answers (the error
shape on nine statuses) defer with them and are built only for the OpenAPI schema.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from identity_images.domain import HOST_ID_PATTERN as HOST_ID_PATTERN
from identity_images.domain import HostIdentity, HostUser
from identity_images.generation_rules import MAX_IMAGES_PER_REQUEST
from identity_images.media_types import EXTENSIONS_BY_TYPE as EXTENSIONS_BY_TYPE
from identity_images.media_types import UploadContentType as UploadContentType
from identity_images.models.jobs import ANSWER, Job, UtcDatetime
from identity_images.settings import AspectRatio, ImageSize
from identity_images.text import refused_character

#: The schema's ceiling for files per upload and references per generation: a generation
#: sends Gemini every reference, so no more than one request's images.
#: `upload_max_files` (default 5) is the real limit.
MAX_FILES = MAX_IMAGES_PER_REQUEST
#: The schema's ceiling for variants per request (`VARIANTS_MAX` may be set up to it);
#: `variants_max` (default 4, `max_variants` of `GET /v1/config`) is the real one.
MAX_VARIANTS = 10


def _count(description: str) -> Any:
    """A request's `count` of variants. The schema states the ceiling (`maximum`) but the
    model does not check it: `logic.generations.new_jobs.check_count` checks the real
    limit, `variants_max`, and its 422 names it. With `le=MAX_VARIANTS` here a count of 11
    was told "less than or equal to 10", though 5 is already too many."""
    return Field(
        default=1,
        ge=1,
        strict=True,
        description=f"{description} 1..`max_variants` of `GET /v1/config` (the deployment's "
        f"limit, {MAX_VARIANTS} at most); more is 422 `validation_error` naming the limit.",
        json_schema_extra={"maximum": MAX_VARIANTS},
    )


#: The pydantic error type of a text `identity_images.text` refuses (a character that
#: could hide or disguise it): answered as 422 `character_not_allowed`, its message and
#: `details` (`character`, `position`) as given here (`handlers.routes.errors`).
CHARACTER_NOT_ALLOWED = "character_not_allowed"


def plain_text(value: str, what: str, *, lines: bool) -> str:
    """`value`, unless it holds a character that could hide or disguise it (the rule of
    `identity_images.text`); `what` names it in the refusal ("The prompt")."""
    refused = refused_character(value, lines=lines)
    if refused is not None:
        raise PydanticCustomError(
            CHARACTER_NOT_ALLOWED,
            "{message}",
            {
                "message": refused.described(what),
                "character": refused.code,
                "position": refused.position,
            },
        )
    return value


def _plain_file_name(name: str) -> str:
    return plain_text(name, "The file name", lines=False)


#: A photo's file name as a client sends it: one line of visible text, at most 255
#: characters (the one rule of `POST /v1/uploads`, `POST …/references` and a generation's
#: `reference_names`).
FileName = Annotated[str, Field(max_length=255), AfterValidator(_plain_file_name)]
#: A `FileName` that is not empty: a job keeps it.
KeptFileName = Annotated[str, Field(min_length=1, max_length=255), AfterValidator(_plain_file_name)]


class ApiModel(BaseModel):
    """The base of the API's bodies and answers: built on first use (see above)."""

    model_config = ConfigDict(defer_build=True)


def build_api_models() -> None:
    """Build every API model now. The OpenAPI schema needs them all, and Powertools'
    TypeAdapter for each route and status reuses a built model's schema; a deferred one
    would be generated again for each of them."""
    pending: list[type[ApiModel]] = list(ApiModel.__subclasses__())
    while pending:
        model = pending.pop()
        model.model_rebuild()
        pending.extend(model.__subclasses__())


#: Request bodies: no unknown fields, and no coercion ("true", 1 are not booleans, "5"
#: is not a number).
STRICT_BODY = ConfigDict(extra="forbid", strict=True)


class UploadFileRequest(ApiModel):
    model_config = STRICT_BODY

    content_type: UploadContentType
    size: int = Field(ge=1, description="Bytes the browser will send.")
    filename: FileName | None = Field(
        default=None,
        description="For display only. Control characters, line breaks and invisible "
        "characters are refused (422 `character_not_allowed`), as in `reference_names`.",
    )


class CreateUploadsRequest(ApiModel):
    model_config = STRICT_BODY

    files: list[UploadFileRequest] = Field(min_length=1, max_length=MAX_FILES)


class PresignedUpload(ApiModel):
    """POST `fields` plus the file (last) as multipart/form-data to `url`."""

    key: str
    url: str
    fields: dict[str, str]
    content_type: UploadContentType
    max_bytes: int


class CreateUploadsResponse(ApiModel):
    upload_id: str
    expires_at: UtcDatetime
    uploads: list[PresignedUpload]


class PresignedReference(PresignedUpload):
    """A presigned POST into an identity's reference folder."""

    reference_id: str = Field(description="The file's id in the folder (its key's stem).")


class CreateReferencesResponse(ApiModel):
    identity_id: str
    expires_at: UtcDatetime
    uploads: list[PresignedReference]


class StoredReference(ApiModel):
    """A reference photo kept in an identity's folder."""

    reference_id: str = Field(description="The key's file name without its extension.")
    key: str
    size: int = Field(ge=0, description="Bytes.")
    last_modified: UtcDatetime
    content_type: str
    url: str = Field(description="Short-lived download URL (`OUTPUT_URL_EXPIRY_S`).")


class ReferenceList(ApiModel):
    identity_id: str
    items: list[StoredReference] = Field(description="Newest first.")
    next_cursor: str | None = Field(default=None, description="Pass back as `cursor`.")


class CreateGenerationRequest(ApiModel):
    model_config = STRICT_BODY

    identity_id: str = Field(min_length=1, max_length=128, pattern=HOST_ID_PATTERN)
    user_id: str = Field(
        default="me",
        min_length=1,
        max_length=128,
        pattern=HOST_ID_PATTERN,
        description="`me` or a test user's id.",
    )
    reference_keys: list[str] = Field(
        min_length=1,
        max_length=MAX_FILES,
        description="Keys under the caller's own `uploads/{admin_id}/` prefix, or the "
        "`prepared_references` keys of an earlier generation of this identity or another "
        "identity of the same user, one the caller may see (its photos, as kept).",
    )
    reference_names: list[KeptFileName] | None = Field(
        default=None,
        description="The photos' file names, one per key in the same order, kept with the "
        "job to name its photos back to admins (Edit settings). Optional; a path is "
        "reduced to its last part; control characters, line breaks and invisible "
        "characters are refused (422 `character_not_allowed`).",
    )
    prompt: str = Field(
        default="",
        description="Extra instructions (`prompt_max_chars`). Control characters other "
        "than newline, carriage return and tab, and characters that could hide or disguise "
        "text (zero-width, bidi controls, tag characters; emoji sequences, flags and the "
        "joiners of scripts are kept) are refused (422 `character_not_allowed`, naming the "
        "character and where it is).",
    )
    aspect_ratio: AspectRatio | None = Field(
        default=None, description="Default: `default_aspect_ratio` of `GET /v1/config`."
    )
    image_size: ImageSize | None = Field(
        default=None, description="Default: `default_image_size` of `GET /v1/config`."
    )
    apply: bool = Field(default=False, description="Save the image to the identity when done.")

    @field_validator("prompt")
    @classmethod
    def _plain_prompt(cls, value: str) -> str:
        return plain_text(value, "The prompt", lines=True)

    @field_validator("reference_names")
    @classmethod
    def _plain_file_names(cls, names: list[str] | None, info: ValidationInfo) -> list[str] | None:
        if names is None:
            return None
        keys = info.data.get("reference_keys")  # absent when the keys were refused
        if keys is not None and len(names) != len(keys):
            raise ValueError(
                f"{len(names)} names for {len(keys)} reference_keys; give one per key, or none."
            )
        plain = []
        for name in names:  # each a `FileName` already
            base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
            if not base:
                raise ValueError(f"{name!r} has no file name in it (blank, or a folder).")
            plain.append(base)
        return plain


class CreateVariantsRequest(CreateGenerationRequest):
    """`POST /v1/generation-batches`: the body of `POST /v1/generations` plus `count`."""

    count: int = _count("Candidates to generate, one job each:")


class RefineRequest(ApiModel):
    """`POST /v1/generations/{id}/refine`: edit a succeeded generation's image."""

    model_config = STRICT_BODY

    instruction: str = Field(
        min_length=1,
        description='What to change, e.g. "make the background darker" (`prompt_max_chars`).',
    )
    count: int = _count("Candidates, as variants:")
    apply: bool = Field(
        default=False, strict=True, description="Save the image to the identity when done."
    )

    @field_validator("instruction")
    @classmethod
    def _says_something_plainly(cls, value: str) -> str:
        # Blank, it would be queued only for the worker to fail it (`engine.generation`).
        if not value.strip():
            raise ValueError("The instruction is blank; say what should change.")
        return plain_text(value, "The instruction", lines=True)


class RerunRequest(ApiModel):
    """`POST /v1/generations/{id}/rerun`: the same settings and references again."""

    model_config = STRICT_BODY

    count: int = _count("Candidates, as variants:")
    apply: bool = Field(
        default=False, strict=True, description="Save the image to the identity when done."
    )


class GenerationBatch(ApiModel):
    """The jobs one request created, in `batch_index` order."""

    model_config = ANSWER

    batch_id: str
    items: list[Job]


class GenerationList(ApiModel):
    model_config = ANSWER

    items: list[Job]
    next_cursor: str | None = Field(default=None, description="Pass back as `cursor`.")


class UserList(ApiModel):
    model_config = ANSWER

    users: list[HostUser]


class SizedImage(BaseModel):
    """A copy of an image at a size, for a browser's `srcset`."""

    model_config = ANSWER

    url: str = Field(description="A short-lived URL of this copy.")
    width: int = Field(ge=1)
    height: int = Field(ge=1)


class ListedIdentity(HostIdentity):
    """An identity as the API lists it: the host's, with what a browser shows of its image."""

    image_preview_url: str | None = Field(
        default=None,
        description="A short-lived URL of the image's preview (about 100 KB), when "
        "the image is a generation's output stored with one: for thumbnails (the output "
        "itself can be a 4K image of several MB); for an output whose generation's record "
        "expired, the one in today's preview format (404 if that changed since). Null "
        "otherwise (no preview was stored, or the image is not an output): show `image_url`.",
    )
    image_renditions: list[SizedImage] = Field(
        default_factory=list,
        description="The image's renditions with their sizes, smallest first (its small "
        "rendition for thumbnails, its preview, then its large rendition for a 2x screen), "
        "when the image is a generation's output "
        "whose record says what it stored: for an `<img srcset>`, as a result of the job is "
        "shown. Empty otherwise (also for an output whose record expired): show "
        "`image_preview_url` or `image_url`.",
    )


class IdentityList(ApiModel):
    model_config = ANSWER

    identities: list[ListedIdentity] = Field(
        description="Each with `image_url`: a short-lived URL when the image is in the "
        "pipeline's bucket, else the host's own URL; null when it has none."
    )


class AcceptedType(ApiModel):
    model_config = ANSWER

    mime_type: UploadContentType
    extensions: list[str] = Field(description="Lower-case, with the dot: `.heic`.")


class ImagePrice(ApiModel):
    model_config = ANSWER

    image_size: ImageSize
    estimated_usd: float = Field(description="One output image of this size.")


class ApiConfig(ApiModel):
    """What the tab must know before it sends anything; the limits the API validates with."""

    model_config = ANSWER

    max_reference_files: int = Field(description="Reference files per generation / upload.")
    reference_max_bytes: int = Field(description="Largest reference file, bytes.")
    accepted_types: list[AcceptedType]
    prompt_max_chars: int = Field(description="Longest prompt, and longest refine instruction.")
    aspect_ratios: list[AspectRatio]
    default_aspect_ratio: AspectRatio
    image_sizes: list[ImageSize] = Field(
        description="The sizes the model makes (all when its sizes are not known)."
    )
    default_image_size: ImageSize
    model: str
    max_variants: int = Field(description="Most candidates one request may ask for.")
    prices: list[ImagePrice] | None = Field(
        description="Estimated price of one image, per size: the output image only. The "
        "prompt's text and the model's thinking (billed as output text) are left out; a "
        "job's `usage.estimated_cost_usd` counts them. Null when the model's prices are "
        "not known: there is no estimate."
    )
    input_image_usd: float | None = Field(
        description="Estimated price of each reference sent; null with `prices`."
    )
    upload_url_expiry_s: int
    output_url_expiry_s: int = Field(description="How long the URLs in a job answer work.")


class ErrorDetail(ApiModel):
    code: str = Field(description="Stable machine code, e.g. `reference_not_found`.")
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorResponse(ApiModel):
    """The one error shape of every route."""

    error: ErrorDetail
