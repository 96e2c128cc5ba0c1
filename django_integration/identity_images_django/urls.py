"""Mount with `path("internal/identity-images/", include("identity_images_django.urls"))`."""

from __future__ import annotations

from django.urls import path

from identity_images_django import views

app_name = "identity_images"

urlpatterns = [
    path("users/<str:user_id>/", views.user_detail, name="user-detail"),
    path("users/<str:user_id>/identities/", views.user_identities, name="user-identities"),
    path("test-users/", views.test_user_list, name="test-users"),
    path("identities/<str:identity_id>/", views.identity_detail, name="identity-detail"),
    path("identities/<str:identity_id>/image/", views.identity_image, name="identity-image"),
]
