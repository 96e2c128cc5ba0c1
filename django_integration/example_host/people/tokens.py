"""The JWTs the host issues and the pipeline's admin authorizer accepts (HS256).

Claims: `user_id` (string), `username`, `is_staff` (bool), `iat`, `exp`, and `iss` /
`aud` when `JWT_ISSUER` / `JWT_AUDIENCE` are set.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

ALGORITHM = "HS256"


def issue(user: AbstractBaseUser, *, now: int | None = None) -> str:
    issued = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "user_id": str(user.pk),
        "username": user.get_username(),
        "is_staff": bool(getattr(user, "is_staff", False)),
        "iat": issued,
        "exp": issued + settings.JWT_LIFETIME_S,
    }
    if settings.JWT_ISSUER:
        claims["iss"] = settings.JWT_ISSUER
    if settings.JWT_AUDIENCE:
        claims["aud"] = settings.JWT_AUDIENCE
    return jwt.encode(claims, settings.JWT_SECRET, algorithm=ALGORITHM)


def decode(token: str) -> dict[str, Any]:
    """The claims of a valid token; raises `jwt.InvalidTokenError` otherwise."""
    claims: dict[str, Any] = jwt.decode(
        token,
        settings.JWT_SECRET,
        algorithms=[ALGORITHM],
        issuer=settings.JWT_ISSUER,
        audience=settings.JWT_AUDIENCE,
        options={"require": ["exp", "iat", "user_id"]},
    )
    return claims
