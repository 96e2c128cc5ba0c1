from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from example_host.people import views
from identity_images_django.responses import error


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON in the error shape, never an HTML page naming the URL patterns."""
    return error(404, "not_found", "No such URL.")


def server_error(request: HttpRequest) -> HttpResponse:
    return error(500, "internal_error", "Something went wrong on our side.")


handler404 = not_found
handler500 = server_error

urlpatterns = [
    path("api/v1/auth/token/", views.issue_token, name="auth-token"),
    path("api/v1/users/me/", views.me, name="users-me"),
    path("internal/identity-images/", include("identity_images_django.urls")),
    path("admin/", admin.site.urls),
]
