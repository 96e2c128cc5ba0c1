"""The JSON the app speaks: the same shapes as `identity_images.domain` in the pipeline.

Kept here, not imported, so a host installs the app without the Lambda code; a test
checks the two stay equal.
"""

from __future__ import annotations

from datetime import UTC

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str = ""
    is_test_user: bool = False
    is_staff: bool = False
    is_active: bool = True


class IdentityOut(BaseModel):
    id: str
    user_id: str
    name: str
    description: str = ""
    image_path: str | None = None
    image_url: str | None = None  # absolute: the storage's URL of the image, for a browser


class ImageAssignmentIn(BaseModel):
    """The signed callback's body."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    # At most what the app's tables hold (`ReceivedWebhook`, `ImageDecision`): a longer one is
    # a 400 here, not a database error (SQLite would not enforce it; others fail the insert).
    identity_id: str = Field(min_length=1, max_length=255)
    image_path: str = Field(
        min_length=1, max_length=1024, description="Object key in the host's bucket."
    )
    # A plain id (the pipeline's are 32 hex digits): the image's file name is made of it.
    generation_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    content_type: str = Field(pattern=r"^image/[a-z0-9.+-]+$")
    size: int = Field(ge=0)
    requested_at: AwareDatetime | None = Field(
        default=None,
        description="When the apply was asked for; an assignment older than the one the "
        "identity holds is refused (409 `superseded`). Absent: applied, not recorded.",
    )
    image_url: str | None = Field(
        default=None,
        max_length=4096,
        description="Short-lived URL of the image; `copy` mode downloads it.",
    )

    @field_validator("requested_at")
    @classmethod
    def _storable(cls, value: AwareDatetime | None) -> AwareDatetime | None:
        """A time the database can hold in UTC: year 1 at +05:00 is year 0 there."""
        if value is not None:
            try:
                value.astimezone(UTC)
            except OverflowError:
                raise ValueError("requested_at is out of range") from None
        return value
