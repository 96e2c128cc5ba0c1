"""The one settings model. Every value comes from the environment and has a default
that works on a developer's machine; docs/settings.md has a table of them.

Secrets are read from the environment locally. In AWS the `*_SECRET_ARN` settings name
Secrets Manager entries instead, and `identity_images.adapters.secrets` resolves them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from identity_images.bucket_layout import BucketLayout, normalize_root
from identity_images.generation_rules import MAX_IMAGES_PER_REQUEST
from identity_images.prices import ImageSize as ImageSize  # re-exported: defined with the prices
from identity_images.prices import image_sizes_of

AspectRatio = Literal["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"]

MB = 1024 * 1024

#: The resource names each function needs (`Settings.require`).
API_RESOURCES = ("bucket_name", "jobs_table_name", "jobs_queue_url", "idempotency_table_name")
WORKER_RESOURCES = ("bucket_name", "jobs_table_name", "jobs_queue_url")
TRIGGER_RESOURCES = ("bucket_name", "jobs_table_name", "jobs_queue_url")
REAPER_RESOURCES = ("bucket_name", "jobs_table_name", "jobs_queue_url", "jobs_dlq_url")

#: The AWS services the API and the worker call (`adapters.aws`), whose clients their
#: Lambda init builds (`handlers.init_phase`; the other functions' init builds their
#: whole logic, clients included). Secrets Manager holds the host's token, the callback's
#: secret and the Gemini key.
API_CLIENTS = ("dynamodb", "s3", "sqs", "secretsmanager")
WORKER_CLIENTS = ("dynamodb", "s3", "sqs", "secretsmanager")


class MissingSettingsError(RuntimeError):
    """A function started without a setting it cannot do without."""


class AwsSettings(BaseSettings):
    """Where the AWS clients go: what every function needs."""

    # Each class is built (validator, serializer) on its first instantiation, not at
    # import: a function builds one of the three, the authorizer `AuthSettings`, every
    # other function `Settings`, and this module defines all three.
    model_config = SettingsConfigDict(extra="ignore", frozen=True, defer_build=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The arguments, then the environment; nothing else. No `.env` file and no
        secrets directory is configured, yet their sources would look up every field
        again on each instantiation (a third of a cold start's `Settings()`)."""
        return init_settings, env_settings

    # --- AWS ----------------------------------------------------------------------------
    aws_region: str = Field(default="us-east-1", description="AWS region.")
    aws_endpoint_url: str | None = Field(
        default=None, description="Endpoint for every AWS client (the local moto server)."
    )


class AuthSettings(AwsSettings):
    """What the authorizer needs, and nothing more (no Gemini, no resources)."""

    # --- Admin authorizer ---------------------------------------------------------------
    auth_mode: Literal["jwt", "introspect"] = Field(
        default="jwt", description="Verify JWTs, or ask Django who the caller is."
    )
    jwt_algorithms: str = Field(default="HS256", description="Comma-separated accepted algs.")
    jwt_secret: SecretStr | None = Field(default=None, description="HS256 shared key.")
    jwt_secret_arn: str | None = Field(default=None, description="Its secret.")
    jwks_url: str | None = Field(default=None, description="JWKS URL for RS256/ES256.")
    jwt_issuer: str | None = Field(default=None, description="Required `iss`, when set.")
    jwt_audience: str | None = Field(default=None, description="Required `aud`, when set.")
    admin_claim: str = Field(default="is_staff", description="Claim that marks an admin.")
    user_id_claim: str = Field(default="user_id", description="User id claim (else `sub`).")
    caller_check_ttl_s: int = Field(
        default=60,
        ge=0,
        le=300,
        description="Reads trust the host's last 'still an active admin' answer this long; "
        "writes always ask.",
    )
    django_introspect_url: str = Field(
        default="http://127.0.0.1:8000/api/v1/users/me/",
        description="Where the introspect mode asks who the caller is.",
    )
    django_timeout_s: float = Field(default=10.0, gt=0, description="One call to the host.")


class Settings(AuthSettings):
    """Everything the API, the worker, the trigger and the reaper read."""

    # --- Gemini -------------------------------------------------------------------------
    gemini_api_key: SecretStr | None = Field(default=None, description="Gemini API key.")
    gemini_api_key_secret_arn: str | None = Field(
        default=None, description="Secrets Manager entry holding the Gemini API key."
    )
    gemini_base_url: str | None = Field(
        default=None, description="Point the SDK at another server (the local one, a proxy)."
    )
    gemini_api_version: str = Field(default="v1beta", description="Gemini REST API version.")
    gemini_model: str = Field(
        default="gemini-3-pro-image",
        description="Image model. Its prices and sizes are in `identity_images/prices.py` "
        "(`gemini-3-pro-image`, `gemini-2.5-flash-image`, their `-preview` names); another "
        "works, with no estimate and no recorded cost.",
    )
    gemini_use_vertex: bool = Field(default=False, description="Use Vertex AI, not the key.")
    google_cloud_project: str | None = Field(default=None, description="Vertex AI project.")
    google_cloud_location: str = Field(default="global", description="Vertex AI location.")
    gemini_timeout_s: float = Field(default=180.0, gt=0, description="One HTTP call's limit.")
    gemini_retry_attempts: int = Field(
        default=3, ge=1, description="Tries per call, for 408/429/500/502/503/504."
    )
    gemini_retry_initial_delay_s: float = Field(default=2.0, ge=0, description="First backoff.")
    gemini_retry_max_delay_s: float = Field(default=30.0, ge=0, description="Longest backoff.")
    default_aspect_ratio: AspectRatio = Field(default="16:9", description="When not asked.")
    default_image_size: ImageSize = Field(
        default=None,  # the model's largest size: `_a_size_the_model_makes`
        validate_default=True,
        description="When not asked. Unset: the model's largest size (4K; 1K for "
        "`gemini-2.5-flash-image`). One the model does not make is refused at start.",
    )

    # --- Reference preparation ----------------------------------------------------------
    reference_max_long_side: int = Field(
        default=1536, ge=256, description="Long side (px) of a reference sent to Gemini."
    )
    reference_jpeg_quality: int = Field(default=88, ge=50, le=95, description="JPEG quality.")
    reference_max_bytes: int = Field(
        default=15 * MB, gt=0, description="Largest accepted reference file (bytes)."
    )
    reference_max_pixels: int = Field(
        default=80_000_000, gt=0, description="Largest accepted reference (pixels)."
    )

    # --- Output renditions -------------------------------------------------------------
    small_max_long_side: int = Field(
        default=384,
        ge=64,
        le=1024,
        description="Long side (px) of an output's small rendition, what a thumbnail shows "
        "(a history row's, 192 CSS px at most, is sharp from it on a 2x screen; same format "
        "and quality as the preview).",
    )
    preview_max_long_side: int = Field(
        default=768, ge=64, le=2048, description="Long side (px) of an output's preview."
    )
    large_max_long_side: int = Field(
        default=1536,
        ge=256,
        le=4096,
        description="Long side (px) of an output's large rendition, what a result card or "
        "Compare shows on a 2x screen (same format and quality as the preview).",
    )
    preview_format: Literal["jpeg", "webp"] = Field(
        default="jpeg",
        description="Format of new outputs' previews (each job records its own, so older "
        "ones stay reachable).",
    )
    preview_quality: int = Field(default=82, ge=30, le=95, description="Preview JPEG/WebP quality.")

    # --- AWS resources ------------------------------------------------------------------
    bucket_name: str = Field(default="identity-images", description="Uploads and outputs.")
    bucket_prefix: str = Field(
        default="",
        description="Root of every key (e.g. `identity-images/` in a host's bucket).",
    )
    jobs_table_name: str = Field(default="identity-image-jobs", description="Jobs table.")
    jobs_queue_url: str | None = Field(default=None, description="Generation jobs queue URL.")
    job_ttl_days: int = Field(default=90, ge=1, description="Jobs older than this expire.")
    job_lease_s: int = Field(
        default=900, ge=30, description="A running job whose lease passed is picked up again."
    )
    jobs_dlq_url: str | None = Field(default=None, description="Dead-letter queue of the jobs.")
    idempotency_table_name: str = Field(
        default="identity-image-idempotency", description="Powertools Idempotency table."
    )
    idempotency_ttl_s: int = Field(
        default=86400, ge=60, description="How long an `Idempotency-Key` keeps its job."
    )
    worker_max_receive_count: int = Field(
        default=5,
        ge=1,
        description="Tries per job (a new job's `max_attempts`), counted across its messages; "
        "the queue's redrive policy matches.",
    )
    worker_backoff_base_s: int = Field(
        default=30, ge=0, description="Delay before a job's second try; doubles per try."
    )
    worker_backoff_max_s: int = Field(
        default=900, ge=0, le=43200, description="Longest delay between a job's tries."
    )
    reaper_grace_s: int = Field(
        default=900,
        ge=0,
        description="The reaper acts on a job in flight this long after its lease (`due_at`).",
    )
    reaper_max_jobs: int = Field(
        default=100, ge=1, le=1000, description="Jobs (and dead letters) one reaper run looks at."
    )

    # --- Public API ---------------------------------------------------------------------
    # A generation sends Gemini every reference it names, so no more than one request takes.
    upload_max_files: int = Field(
        default=5, ge=1, le=MAX_IMAGES_PER_REQUEST, description="Files per upload call."
    )
    upload_url_expiry_s: int = Field(default=300, ge=30, description="Presigned POST lifetime.")
    prompt_max_chars: int = Field(default=2000, ge=1, description="Longest extra prompt.")
    output_url_expiry_s: int = Field(default=900, ge=30, description="Output download URL.")
    variants_max: int = Field(
        default=4, ge=1, le=10, description="Most candidates (jobs) one request may ask for."
    )
    allowed_origins: str = Field(
        default="http://localhost:5173", description="Comma-separated CORS origins."
    )

    # --- The Django host ----------------------------------------------------------------
    django_internal_url: str = Field(
        default="http://127.0.0.1:8000/internal/identity-images",
        description="Base URL of the host's internal endpoints.",
    )
    django_service_token: SecretStr | None = Field(
        default=None, description="Token for the host's internal reads."
    )
    django_service_token_secret_arn: str | None = Field(default=None, description="Its secret.")
    django_read_attempts: int = Field(default=3, ge=1, description="Tries per host read.")
    django_retry_max_delay_s: float = Field(
        default=5.0, ge=0, description="Longest pause between host reads (caps `Retry-After`)."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Standard Webhooks secret (`whsec_...`) for the callback."
    )
    webhook_secret_arn: str | None = Field(default=None, description="Its secret.")
    callback_max_attempts: int = Field(default=5, ge=1, description="Callback deliveries.")
    callback_retry_max_delay_s: float = Field(
        default=8.0, ge=0, description="Longest pause between callback deliveries."
    )

    # --- Regeneration -------------------------------------------------------------------
    regeneration_debounce_s: int = Field(
        default=60,
        ge=0,
        le=900,
        description="Uploads within this window become one job (at most 900 s, SQS's delay).",
    )
    regeneration_prompt: str = Field(
        default="", description="Extra prompt for jobs started by new references."
    )
    regeneration_apply: bool = Field(default=True, description="Apply regenerated images.")
    regeneration_all_users: bool = Field(
        default=False,
        description="Regenerate every user's identities, not only staff's and test users'.",
    )

    def require(self, names: tuple[str, ...]) -> Settings:
        """These settings, if each of `names` was given (by the environment or as an
        argument) and is not empty. A Lambda calls it when it builds its adapters, on its
        cold start, for the resources it uses: their defaults name a developer's local
        resources, never a deployed one, so a missing variable fails there and says so
        instead of failing on first use against the wrong name."""
        missing = [n for n in names if n not in self.model_fields_set or not getattr(self, n)]
        if missing:
            variables = ", ".join(name.upper() for name in missing)
            raise MissingSettingsError(f"Set {variables}: this function needs it.")
        return self

    @field_validator("default_image_size", mode="before")
    @classmethod
    def _a_size_the_model_makes(cls, value: object, info: ValidationInfo) -> object:
        """Unset, the model's largest size; a size the model does not make is refused
        here, once, not by every request that takes the default."""
        sizes = image_sizes_of(str(info.data.get("gemini_model", "")))
        if value is None:
            return sizes[-1]
        if value not in sizes:
            model = info.data.get("gemini_model")
            raise ValueError(f"{model} makes no {value} image; use one of {', '.join(sizes)}")
        return value

    @field_validator("bucket_prefix")
    @classmethod
    def _normalize_bucket_prefix(cls, value: str) -> str:
        return normalize_root(value)

    @property
    def bucket_layout(self) -> BucketLayout:
        """Where every key the pipeline builds or reads lives (see `bucket_layout`)."""
        return BucketLayout(self.bucket_prefix)

    @property
    def preview_type(self) -> str:
        """The media type of new outputs' previews, as `engine.preview` names it."""
        return f"image/{self.preview_format}"

    @property
    def allowed_origin_list(self) -> list[str]:
        return [o.strip() for o in self.allowed_origins.split(",") if o.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once (a Lambda reads them on cold start)."""
    return Settings()
