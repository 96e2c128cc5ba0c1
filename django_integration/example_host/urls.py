from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path

from example_host.people import views
from identity_images_django.responses import error


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON in the error shape, never an HTML page naming the URL patterns."""
    return error(404, "not_found", "No such URL.")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON in the error shape, e.g. for a media path that leaves MEDIA_ROOT."""
    return error(400, "bad_request", "The request cannot be served.")


def server_error(request: HttpRequest) -> HttpResponse:
    return error(500, "internal_error", "Something went wrong on our side.")


handler400 = bad_request
handler404 = not_found
handler500 = server_error

urlpatterns = [
    path("api/v1/auth/token/", views.issue_token, name="auth-token"),
    path("api/v1/users/me/", views.me, name="users-me"),
    path("internal/identity-images/", include("identity_images_django.urls")),
    path("admin/", admin.site.urls),
    re_path(r"^media/(?P<path>.+)$", views.media, name="media"),
]
