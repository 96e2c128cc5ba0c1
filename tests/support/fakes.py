"""In-memory fakes of the host app's two ports (`HostDirectory`, `ImageCallback`), the
users and identities they know, a Gemini provider that records what it is asked, and a
small JPEG."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image

from identity_images.domain import HostIdentity, HostUser, ImageAssignment
from identity_images.engine.gemini import GeneratedImage, Usage
from identity_images.engine.references import PreparedReference
from identity_images.errors import ErrorCode, PipelineError

ADMIN_ID = "1"
TEST_USER_ID = "2"
OTHER_USER_ID = "3"
ADMIN_IDENTITY = "11"
TEST_USER_IDENTITY = "21"
OTHER_USER_IDENTITY = "31"
OTHER_ADMIN_ID = "4"
OTHER_ADMIN_IDENTITY = "41"


class FakeHost:
    """The host app's users and identities, in memory."""

    def __init__(self) -> None:
        self.users = {
            ADMIN_ID: HostUser(id=ADMIN_ID, username="admin", is_staff=True),
            TEST_USER_ID: HostUser(id=TEST_USER_ID, username="tester", is_test_user=True),
            OTHER_USER_ID: HostUser(id=OTHER_USER_ID, username="customer"),
            OTHER_ADMIN_ID: HostUser(id=OTHER_ADMIN_ID, username="grace", is_staff=True),
        }
        self.identities = {
            ADMIN_IDENTITY: HostIdentity(id=ADMIN_IDENTITY, user_id=ADMIN_ID, name="Ada"),
            TEST_USER_IDENTITY: HostIdentity(
                id=TEST_USER_IDENTITY, user_id=TEST_USER_ID, name="Tess", description="A tester"
            ),
            OTHER_USER_IDENTITY: HostIdentity(
                id=OTHER_USER_IDENTITY, user_id=OTHER_USER_ID, name="Carl"
            ),
            OTHER_ADMIN_IDENTITY: HostIdentity(
                id=OTHER_ADMIN_IDENTITY, user_id=OTHER_ADMIN_ID, name="Grace"
            ),
        }
        self.user_reads = 0

    def get_user(self, user_id: str) -> HostUser:
        self.user_reads += 1
        if user_id not in self.users:
            raise PipelineError(ErrorCode.USER_NOT_FOUND, f"No user {user_id!r}.")
        return self.users[user_id]

    def list_test_users(self) -> list[HostUser]:
        return [u for u in self.users.values() if u.is_test_user]

    def list_identities(self, user_id: str) -> list[HostIdentity]:
        return [i for i in self.identities.values() if i.user_id == user_id]

    def get_identity(self, identity_id: str) -> HostIdentity:
        if identity_id not in self.identities:
            raise PipelineError(ErrorCode.IDENTITY_NOT_FOUND, f"No identity {identity_id!r}.")
        return self.identities[identity_id]


@dataclass
class FakeCallback:
    """Records deliveries; `failures` are raised first, one per delivery."""

    delivered: list[tuple[ImageAssignment, str]] = field(default_factory=list)
    failures: list[PipelineError] = field(default_factory=list)
    attempts: int = 0

    def deliver(self, assignment: ImageAssignment, *, delivery_id: str) -> None:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append((assignment, delivery_id))


def jpeg_bytes(width: int = 640, height: int = 480) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (180, 120, 90)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class RecordingProvider:
    """An image provider that records each prompt and the references sent with it, and
    answers a 1x1 PNG (the Gemini path itself is tested against the local server)."""

    def __init__(self) -> None:
        self.prompts: list[str] = []
        self.sent: list[list[PreparedReference]] = []

    def generate(
        self,
        *,
        prompt: str,
        references: Sequence[PreparedReference],
        aspect_ratio: str,
        image_size: str,
        model: str | None = None,
    ) -> GeneratedImage:
        self.prompts.append(prompt)
        self.sent.append(list(references))
        return GeneratedImage(
            data=b"x",
            mime_type="image/png",
            width=1,
            height=1,
            model=model or "m",
            usage=Usage(),
            finish_reason="STOP",
        )
