"""The host's public API, as much of it as the pipeline needs: log in, who am I."""

from __future__ import annotations

import json

import jwt
from django.contrib.auth import authenticate
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve
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


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """A file of the file-system media storage (`MEDIA_STORAGE=files`) at MEDIA_URL, as a
    host's web server or CDN serves MEDIA_ROOT: the identities' images, which the Images
    tab shows by the `image_url` the app gives (Django's `static()` helper serves nothing
    with DEBUG off). With the S3 storage its URLs point at the bucket: 404 here."""
    if request.method not in ("GET", "HEAD"):
        response = error(405, "method_not_allowed", "Use GET or HEAD on this URL.")
        response["Allow"] = "GET, HEAD"
        return response
    if not isinstance(default_storage, FileSystemStorage):
        raise Http404("The media are not on this host's file system.")
    return serve(request, path, document_root=str(default_storage.location))
