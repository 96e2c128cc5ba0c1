"""Django's own test machinery under pytest: the example host's settings, a test database
for the session, and `django.test.TestCase` classes for isolation per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.django_side import SERVICE_TOKEN, WEBHOOK_SECRET

os.environ["DJANGO_SETTINGS_MODULE"] = "example_host.settings"
os.environ["DJANGO_SERVICE_TOKEN"] = SERVICE_TOKEN
os.environ["WEBHOOK_SECRET"] = WEBHOOK_SECRET

import django

django.setup()


@pytest.fixture(scope="session", autouse=True)
def django_test_database() -> Iterator[None]:
    from django.conf import settings
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    setup_test_environment()
    # Password hashing is deliberately slow; tests need it correct, not slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_config = setup_databases(verbosity=0, interactive=False)
    yield
    teardown_databases(old_config, verbosity=0)
    teardown_test_environment()
