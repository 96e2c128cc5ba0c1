from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from example_host.people import views

urlpatterns = [
    path("api/v1/auth/token/", views.issue_token, name="auth-token"),
    path("api/v1/users/me/", views.me, name="users-me"),
    path("internal/identity-images/", include("identity_images_django.urls")),
    path("admin/", admin.site.urls),
]
