"""Settings of the example host. Every value comes from the environment, with defaults
that work on a developer's machine against the local stack (moto S3, SQLite)."""

from __future__ import annotations

import os
from pathlib import Path

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets `admin.ModelAdmin[Identity]` and other typed generics work at run time.
django_stubs_ext.monkeypatch()

REPO_ROOT = Path(__file__).resolve().parents[2]


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _flag(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


# Local-only defaults; every deployment sets its own.
LOCAL_SECRET_KEY = "django-insecure-local-example-host-key-change-me"  # noqa: S105
LOCAL_JWT_SECRET = "local-example-host-jwt-secret-change-me-32+bytes"  # noqa: S105
LOCAL_SERVICE_TOKEN = "local-example-host-service-token"  # noqa: S105
# "whsec_" + base64("local-example-host-webhook-secret")
LOCAL_WEBHOOK_SECRET = "whsec_bG9jYWwtZXhhbXBsZS1ob3N0LXdlYmhvb2stc2VjcmV0"  # noqa: S105

SECRET_KEY = _env("DJANGO_SECRET_KEY", LOCAL_SECRET_KEY)
ALLOWED_HOSTS = [h.strip() for h in _env("DJANGO_ALLOWED_HOSTS", "*").split(",") if h.strip()]
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
# Off unless asked, and then only for a local run: DEBUG pages show settings and code,
# and its 404/500 pages are HTML that a caller (the pipeline) would pass on.
DEBUG = _flag("DJANGO_DEBUG", False)
if DEBUG and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is for local runs only: set DJANGO_ALLOWED_HOSTS to loopback names "
        f"({', '.join(sorted(LOOPBACK_HOSTS))}) or turn DEBUG off."
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "storages",
    "identity_images_django",
    "example_host.people",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "example_host.urls"
WSGI_APPLICATION = "example_host.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASE_PATH = Path(_env("DATABASE_PATH", str(REPO_ROOT / ".local-data" / "example_host.sqlite3")))
DATABASE_PATH.parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATABASE_PATH}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "static/"

# --- Files: where the identity images live (docs/fitting-a-host.md) ---------------------
# IDENTITY_IMAGE_MODE=path (default): the media storage is the pipeline's bucket, under
# MEDIA_LOCATION (the pipeline's BUCKET_PREFIX must start with it).
# IDENTITY_IMAGE_MODE=copy: the callback's image is downloaded and saved through the
# media storage; MEDIA_STORAGE=files keeps it on the file system under MEDIA_ROOT.
BUCKET_NAME = _env("BUCKET_NAME", "identity-images")
BUCKET_PREFIX = os.environ.get("BUCKET_PREFIX", "")
AWS_ENDPOINT_URL = _env("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
IDENTITY_IMAGE_MODE = _env("IDENTITY_IMAGE_MODE", "path")
MEDIA_STORAGE = _env("MEDIA_STORAGE", "s3")
MEDIA_ROOT = Path(_env("MEDIA_ROOT", str(REPO_ROOT / ".local-data" / "media")))
# With MEDIA_STORAGE=files the host serves MEDIA_ROOT here itself (people.views.media).
MEDIA_URL = "media/"
S3_MEDIA = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": BUCKET_NAME,
        "location": os.environ.get("MEDIA_LOCATION", ""),
        "endpoint_url": AWS_ENDPOINT_URL,
        "region_name": _env("AWS_REGION", "us-east-1"),
        "access_key": _env("AWS_ACCESS_KEY_ID", "testing"),
        "secret_key": _env("AWS_SECRET_ACCESS_KEY", "testing"),
        "addressing_style": "path",
        "querystring_auth": True,
        "file_overwrite": False,
    },
}
FILE_MEDIA = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(MEDIA_ROOT)},
}
STORAGES = {
    "default": FILE_MEDIA if MEDIA_STORAGE == "files" else S3_MEDIA,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AWS_S3_ENDPOINT_URL = AWS_ENDPOINT_URL
AWS_S3_ADDRESSING_STYLE = "path"
AWS_QUERYSTRING_AUTH = True

# --- The JWTs the pipeline's admin authorizer accepts -----------------------------------
JWT_SECRET = _env("JWT_SECRET", LOCAL_JWT_SECRET)
JWT_ISSUER = os.environ.get("JWT_ISSUER") or None
JWT_AUDIENCE = os.environ.get("JWT_AUDIENCE") or None
JWT_LIFETIME_S = int(_env("JWT_LIFETIME_S", "3600"))

# --- The pipeline's side: the reusable app ------------------------------------------------
IDENTITY_IMAGES = {
    "IDENTITY_MODEL": "people.Identity",
    "IDENTITY_USER_FIELD": "user",
    "IDENTITY_NAME_FIELD": "name",
    "IDENTITY_DESCRIPTION_FIELD": "description",
    "IDENTITY_IMAGE_FIELD": "image",
    "TEST_USER_FILTER": {"profile__is_test_user": True},
    "SERVICE_TOKEN": _env("DJANGO_SERVICE_TOKEN", LOCAL_SERVICE_TOKEN),
    "WEBHOOK_SECRET": _env("WEBHOOK_SECRET", LOCAL_WEBHOOK_SECRET),
    "WEBHOOK_TOLERANCE_S": int(_env("WEBHOOK_TOLERANCE_S", "300")),
    "IMAGE_MODE": IDENTITY_IMAGE_MODE,
    # Where the pipeline writes (its BUCKET_NAME / BUCKET_PREFIX), checked against STORAGES.
    "BUCKET_NAME": BUCKET_NAME,
    "BUCKET_PREFIX": BUCKET_PREFIX,
    # Where browsers reach this host: the identities' image URLs (MEDIA_URL) are made
    # absolute against it. Unset: against the URL the pipeline calls.
    "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env("DJANGO_LOG_LEVEL", "INFO")},
}
