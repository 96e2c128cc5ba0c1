from __future__ import annotations

from django.contrib import admin

from example_host.people.models import Identity, Profile


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin[Identity]):
    list_display = ("name", "user", "image")
    search_fields = ("name", "user__username")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ("user", "is_test_user")
