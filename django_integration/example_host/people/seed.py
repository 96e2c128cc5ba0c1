"""The example data: an admin, a member, two test users with two identities each.

Idempotent: running it again changes nothing (passwords are reset to the documented
ones). Identity ids are UUIDv5s of the owner and the name, so they are the same on every
machine and after a fresh database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from example_host.people.models import Identity, Profile

NAMESPACE = uuid.UUID("6f1d2c8e-4a57-4f3e-9d35-3f6c1c1b2a10")


@dataclass(frozen=True)
class SeedUser:
    username: str
    password: str
    first_name: str
    is_staff: bool = False
    is_test_user: bool = False
    identities: tuple[tuple[str, str], ...] = ()


SEED_USERS = (
    SeedUser("admin", "admin-password", "Ada Admin", is_staff=True),
    SeedUser("member", "member-password", "Max Member"),
    SeedUser(
        "test-alice",
        "test-alice-password",
        "Alice Test",
        is_test_user=True,
        identities=(
            ("Alice the explorer", "Hiking boots, a weathered map, golden-hour mountains."),
            ("Alice the chef", "White apron, a busy restaurant kitchen, warm light."),
        ),
    ),
    SeedUser(
        "test-bob",
        "test-bob-password",
        "Bob Test",
        is_test_user=True,
        identities=(
            ("Bob the astronaut", "A white spacesuit, Earth in the visor's reflection."),
            ("Bob the jazz pianist", "A smoky club, a grand piano, a blue spotlight."),
        ),
    ),
)


def identity_id(username: str, name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{username}/{name}")


@transaction.atomic
def seed() -> list[str]:
    """Create or update the seed data; returns one line per user for the command."""
    lines = []
    for spec in SEED_USERS:
        user, created = User.objects.get_or_create(username=spec.username)
        user.first_name = spec.first_name
        user.is_staff = spec.is_staff
        user.is_active = True
        if created or not user.check_password(spec.password):
            user.set_password(spec.password)
        user.save()
        Profile.objects.update_or_create(user=user, defaults={"is_test_user": spec.is_test_user})
        for name, description in spec.identities:
            Identity.objects.get_or_create(
                id=identity_id(spec.username, name),
                defaults={"user": user, "name": name, "description": description},
            )
        kind = "admin" if spec.is_staff else "test user" if spec.is_test_user else "member"
        lines.append(
            f"{'created' if created else 'kept'} {kind} {spec.username!r} (id {user.pk}, "
            f"{len(spec.identities)} identities)"
        )
    return lines
