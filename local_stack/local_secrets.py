"""The local stack's secrets: generated once into the data folder and kept, so tokens
issued before a restart still verify and Django and the pipeline agree."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from pydantic import BaseModel, ConfigDict

FILE_NAME = "secrets.json"


class LocalSecrets(BaseModel):
    model_config = ConfigDict(frozen=True)

    jwt_secret: str
    django_service_token: str
    webhook_secret: str  # Standard Webhooks: "whsec_" + base64 of the key
    django_secret_key: str

    @classmethod
    def generate(cls) -> LocalSecrets:
        return cls(
            jwt_secret=secrets.token_urlsafe(48),
            django_service_token=secrets.token_urlsafe(32),
            webhook_secret="whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),
            django_secret_key=secrets.token_urlsafe(50),
        )


def load_or_create(data_dir: Path) -> LocalSecrets:
    """The data folder's secrets, created (readable by this user only) on first use."""
    path = data_dir / FILE_NAME
    if path.is_file():
        return LocalSecrets.model_validate_json(path.read_text())
    created = LocalSecrets.generate()
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(created.model_dump(), out, indent=1)
    return created
