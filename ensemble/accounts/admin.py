"""Django's admin for operators (staff): members, their roles (groups, the moderator
permission), suspensions and bans. Everything else members do goes through the site."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from ensemble.accounts.models import User

admin.site.site_header = "Ensemble administration"
admin.site.site_title = "Ensemble administration"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "display_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "email", "display_name")
    ordering = ("-date_joined",)
    readonly_fields = ("last_login", "date_joined", "email_verified_at")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Profile", {"fields": ("display_name", "email", "email_verified_at", "bio")}),
        (
            "Roles",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": (
                    "Moderators hold the permission “moderation | report | Can moderate”, "
                    "directly or through a group (or: ensemble moderators grant NAME). "
                    "Staff may open this administration."
                ),
            },
        ),
        (
            "Moderation",
            {
                "fields": ("suspended_until", "suspension_reason", "banned_at"),
                "description": (
                    "Set by moderators from the report queue, where every action is on "
                    "the record. To lift a ban here: tick Active and clear Banned at."
                ),
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
