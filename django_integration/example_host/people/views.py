"""The host's public API, as much of it as the pipeline needs: log in, who am I."""

from __future__ import annotations

import json

import jwt
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, Field, ValidationError

from example_host.people import tokens
from identity_images_django.directory import find_user
from identity_images_django.responses import allow, error


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)


@csrf_exempt
@allow("POST")
def issue_token(request: HttpRequest) -> HttpResponse:
    """`{"username", "password"}` -> `{"access": "<jwt>"}`; 401 on bad credentials."""
    try:
        credentials = Credentials.model_validate_json(request.body)
    except (ValidationError, json.JSONDecodeError):
        return error(400, "validation_error", 'Send JSON {"username": ..., "password": ...}.')
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        return error(401, "unauthorized", "Wrong username or password.")
    return JsonResponse({"access": tokens.issue(user), "token_type": "Bearer"})


@allow("GET")
def me(request: HttpRequest) -> HttpResponse:
    """The caller, from `Authorization: Bearer <jwt>`; 401 otherwise."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return error(401, "unauthorized", "A bearer token is required.")
    try:
        claims = tokens.decode(token.strip())
    except jwt.InvalidTokenError as exc:
        return error(401, "unauthorized", f"Invalid token: {exc}.")
    user = find_user(str(claims["user_id"]))
    if user is None or not user.is_active:
        return error(401, "unauthorized", "The token's user is gone or inactive.")
    return JsonResponse(
        {
            "id": str(user.pk),
            "username": user.get_username(),
            "is_staff": bool(getattr(user, "is_staff", False)),
            "display_name": getattr(user, "get_full_name", lambda: "")() or user.get_username(),
            "email": getattr(user, "email", ""),
        }
    )
