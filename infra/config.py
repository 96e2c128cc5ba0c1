"""What a deployment can be told through CDK context (`cdk.json` or `-c key=value`).

Every value has a default so `cdk synth` works with none given. `-c` values arrive as
strings; the pydantic model turns them into the right types and rejects nonsense with a
clear message before any construct is built.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from constructs import Construct
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from infra import resource_spec as spec
from infra.resource_spec import LAMBDA_MAX_TIMEOUT_S, VISIBILITY_FACTOR, WORKER_MARGIN_S

__all__ = ["LAMBDA_MAX_TIMEOUT_S", "VISIBILITY_FACTOR", "WORKER_MARGIN_S", "InfraConfig"]
from identity_images.bucket_layout import DEFAULT_HOST_ROOT, BucketLayout, normalize_root


class ConfigError(ValueError):
    """A context value the app cannot deploy with."""


class InfraConfig(BaseModel):
    """The deployment's knobs; context keys are the camelCase aliases."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    stage: str = Field(default="dev", description="Names the stack and the API stage.")
    allowed_origins: tuple[str, ...] = Field(
        default=("http://localhost:5173",),
        alias="allowedOrigins",
        description="Browser origins allowed by CORS (API and bucket); comma-separated.",
    )
    django_internal_url: str = Field(
        default="https://django.example.com/internal/identity-images",
        alias="djangoInternalUrl",
        description="Base URL of the host's internal endpoints, reachable from Lambda.",
    )
    host_bucket_name: str | None = Field(
        default=None,
        alias="hostBucketName",
        description="Use the host's existing media bucket instead of creating one.",
    )
    bucket_prefix: str | None = Field(
        default=None,
        alias="bucketPrefix",
        description="Root prefix of the pipeline's keys; default `identity-images/` in a "
        "host's bucket, none in the pipeline's own.",
    )
    auth_mode: Literal["jwt", "introspect"] = Field(default="jwt", alias="authMode")
    jwt_algorithms: str = Field(default="HS256", alias="jwtAlgorithms")
    jwt_issuer: str | None = Field(default=None, alias="jwtIssuer")
    jwt_audience: str | None = Field(default=None, alias="jwtAudience")
    jwks_url: str | None = Field(default=None, alias="jwksUrl")
    django_introspect_url: str | None = Field(default=None, alias="djangoIntrospectUrl")
    gemini_model: str = Field(default="gemini-3-pro-image", alias="geminiModel")
    gemini_timeout_s: int = Field(default=spec.GEMINI_TIMEOUT_S, gt=0, alias="geminiTimeoutS")
    gemini_retry_attempts: int = Field(
        default=spec.GEMINI_RETRY_ATTEMPTS, ge=1, alias="geminiRetryAttempts"
    )
    worker_max_receive_count: int = Field(
        default=spec.WORKER_MAX_RECEIVE_COUNT, ge=1, alias="workerMaxReceiveCount"
    )
    worker_max_concurrency: int = Field(default=5, ge=2, le=1000, alias="workerMaxConcurrency")
    worker_memory_mb: int = Field(
        default=spec.WORKER_MEMORY_MB, ge=256, le=10240, alias="workerMemoryMb"
    )
    reaper_interval_minutes: int = Field(
        default=spec.REAPER_INTERVAL_MINUTES,
        ge=1,
        le=1440,
        alias="reaperIntervalMinutes",
        description="How often the reaper settles dead letters and lost jobs.",
    )
    reaper_grace_minutes: int = Field(
        default=spec.REAPER_GRACE_MINUTES,
        ge=0,
        alias="reaperGraceMinutes",
        description="How long after its lease a job in flight is thought lost.",
    )
    upload_expiry_days: int = Field(default=spec.UPLOAD_EXPIRY_DAYS, ge=1, alias="uploadExpiryDays")
    job_ttl_days: int = Field(
        default=spec.JOB_TTL_DAYS,
        ge=1,
        alias="jobTtlDays",
        description="Job records expire (TTL) after this; their prepared references a little "
        "later (`prepared/` lifecycle), so a job never outlives the files it names.",
    )
    api_rate_limit: float = Field(default=spec.API_RATE_LIMIT, gt=0, alias="apiRateLimit")
    api_burst_limit: int = Field(default=spec.API_BURST_LIMIT, ge=1, alias="apiBurstLimit")
    api_provisioned_concurrency: int = Field(
        default=0,
        ge=0,
        le=10,
        alias="apiProvisionedConcurrency",
        description="Environments of the API and of the authorizer kept initialized, so an "
        "admin's first click after a quiet spell meets no cold start; 0: none. Each costs "
        "about $4.30 a month per function (512 MB on arm64).",
    )
    api_snap_start: bool = Field(
        default=True,
        alias="apiSnapStart",
        description="SnapStart for the API and the authorizer: a cold start resumes a snapshot "
        "taken after the function's init at deploy, instead of running the init. About $2 a "
        "month per function (512 MB) and $0.00007 per start. Lambda takes it or "
        "provisioned concurrency, not both: a count above 0 turns it off.",
    )
    alarm_email: str | None = Field(default=None, alias="alarmEmail")
    skip_layer_build: bool = Field(
        default=False,
        alias="skipLayerBuild",
        description="Synthesize with empty stand-in layers (tests, `make synth`); never deploy.",
    )

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(o.strip() for o in value.split(",") if o.strip())
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _check_origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one origin is needed")
        for origin in value:
            if origin == "*" or not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ValueError(f"{origin!r} is not an origin like https://admin.example.com")
        return value

    @field_validator("host_bucket_name")
    @classmethod
    def _check_bucket_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", value):
            raise ValueError(f"{value!r} is not an S3 bucket name")
        return value

    @field_validator("bucket_prefix")
    @classmethod
    def _check_bucket_prefix(cls, value: str | None) -> str | None:
        return None if value is None else normalize_root(value)

    @field_validator("stage")
    @classmethod
    def _check_stage(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,19}", value):
            raise ValueError("lower-case letters, digits and '-', starting with a letter")
        return value

    @model_validator(mode="after")
    def _check_host_bucket_prefix(self) -> InfraConfig:
        if self.host_bucket_name and self.bucket_prefix == "":
            raise ValueError(
                "a host's bucket needs a bucketPrefix: the pipeline keeps to its own prefix "
                "there and never touches the host's other objects"
            )
        return self

    @model_validator(mode="after")
    def _check_worker_fits(self) -> InfraConfig:
        needs = spec.worker_needs_s(self.gemini_timeout_s, self.gemini_retry_attempts)
        if needs > LAMBDA_MAX_TIMEOUT_S:
            raise ValueError(
                f"geminiTimeoutS {self.gemini_timeout_s} x geminiRetryAttempts "
                f"{self.gemini_retry_attempts}, with the Django read, the callback and a "
                f"{WORKER_MARGIN_S} s margin, needs {needs} s: more than Lambda's "
                f"{LAMBDA_MAX_TIMEOUT_S} s limit"
            )
        return self

    @property
    def worker(self) -> spec.FunctionSpec:
        return spec.worker(self.gemini_timeout_s, self.gemini_retry_attempts, self.worker_memory_mb)

    @property
    def bucket_layout(self) -> BucketLayout:
        """The pipeline's keys: under `bucketPrefix`, which a host's bucket requires."""
        if self.bucket_prefix is not None:
            return BucketLayout(self.bucket_prefix)
        return BucketLayout(DEFAULT_HOST_ROOT if self.host_bucket_name else "")

    @property
    def click_snap_start(self) -> bool:
        """SnapStart for the API and the authorizer: asked for, and not replaced by
        provisioned concurrency (Lambda takes one or the other)."""
        return self.api_snap_start and self.api_provisioned_concurrency == 0

    @property
    def worker_timeout_s(self) -> int:
        """Every retried call at its worst plus the margin (see `resource_spec.worker`)."""
        return self.worker.timeout_s

    @classmethod
    def from_context(cls, scope: Construct) -> InfraConfig:
        """Read every known key from the construct tree's context."""
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            key = field.alias or name
            value = scope.node.try_get_context(key)
            if value is not None and value != "":
                values[key] = value
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise ConfigError(f"Bad CDK context:\n{exc}") from None
