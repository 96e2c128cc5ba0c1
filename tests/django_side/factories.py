from __future__ import annotations

from django.contrib.auth.models import User

from example_host.people.models import Identity, Profile


def make_user(
    username: str,
    *,
    password: str = "a-long-test-password",  # noqa: S107
    is_staff: bool = False,
    is_test_user: bool = False,
    full_name: str = "",
) -> User:
    first, _, last = full_name.partition(" ")
    user = User.objects.create_user(
        username=username, password=password, is_staff=is_staff, first_name=first, last_name=last
    )
    Profile.objects.create(user=user, is_test_user=is_test_user)
    return user


def make_identity(user: User, name: str, description: str = "", image: str = "") -> Identity:
    return Identity.objects.create(user=user, name=name, description=description, image=image)
