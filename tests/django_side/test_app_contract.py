"""The app's configuration checks, and its JSON staying the pipeline's domain models."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.checks import run_checks
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import timezone
from pydantic import BaseModel

from identity_images.domain import HostIdentity, HostUser, ImageAssignment
from identity_images_django.models import ReceivedWebhook
from identity_images_django.schemas import IdentityOut, ImageAssignmentIn, UserOut


def fields(model: type[BaseModel]) -> dict[str, object]:
    return {name: (f.annotation, f.default) for name, f in model.model_fields.items()}


def test_the_apps_json_is_the_pipelines_domain() -> None:
    assert fields(UserOut) == fields(HostUser)
    assert fields(IdentityOut) == fields(HostIdentity)
    assert set(ImageAssignmentIn.model_fields) == set(ImageAssignment.model_fields)


class ChecksTests(SimpleTestCase):
    def check_ids(self) -> set[str]:
        return {m.id for m in run_checks() if m.id and m.id.startswith("identity_images.")}

    def test_the_example_host_is_configured(self) -> None:
        assert self.check_ids() == set()

    @override_settings(
        IDENTITY_IMAGES={
            "IDENTITY_MODEL": "people.Nope",
            "SERVICE_TOKEN": "",
            "WEBHOOK_SECRET": "whsec_",
        }
    )
    def test_a_misconfiguration_is_reported(self) -> None:
        assert self.check_ids() == {
            "identity_images.E001",
            "identity_images.E002",
            "identity_images.E003",
        }

    @override_settings(
        IDENTITY_IMAGES={
            "IDENTITY_MODEL": "people.Identity",
            "IDENTITY_IMAGE_FIELD": "name",
            "SERVICE_TOKEN": "t",
            "WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        }
    )
    def test_the_image_field_must_be_a_file_field(self) -> None:
        assert self.check_ids() == {"identity_images.E004"}

    @override_settings(
        IDENTITY_IMAGES={
            "IDENTITY_MODEL": "people.Identity",
            "SERVICE_TOKEN": "t",
            "WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "WEBHOOK_TOLERANCE_S": 600,
            "IMAGE_MODE": "copy",
        }
    )
    def test_a_tolerance_wider_than_the_librarys_is_reported(self) -> None:
        assert self.check_ids() == {"identity_images.E011"}


class PruneTests(TestCase):
    def test_only_old_webhook_ids_are_forgotten(self) -> None:
        old = ReceivedWebhook.objects.create(webhook_id="old", identity_id="i", image_path="p")
        ReceivedWebhook.objects.filter(pk=old.pk).update(
            received_at=timezone.now() - timedelta(days=31)
        )
        ReceivedWebhook.objects.create(webhook_id="new", identity_id="i", image_path="p")
        out = io.StringIO()
        call_command("prune_received_webhooks", stdout=out)
        assert list(ReceivedWebhook.objects.values_list("webhook_id", flat=True)) == ["new"]
        assert "forgot 1" in out.getvalue()
