"""Django's admin for operators (staff): members, their roles (groups, the moderator
permission), suspensions and bans. Everything else members do goes through the site.
A change of a member's standing here (banned, suspended, lifted, made a moderator or
no longer) is written to the moderation log, by the operator who made it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

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
                    "the record; what you change here is written to the same log. To "
                    "lift a ban here: tick Active and clear Banned at (or use the "
                    "member's page in the moderation queue)."
                ),
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # The standing before, read afresh: `obj` already holds the form's values.
        from ensemble.moderation import members  # moderation is above accounts

        old = User.objects.filter(pk=obj.pk).first() if change else None
        # On the instance, not on this admin: one admin object serves every request.
        obj._standing_before = members.standing(old) if old is not None else None  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        from ensemble.moderation import members

        super().save_related(request, form, formsets, change)  # groups and permissions
        before = getattr(form.instance, "_standing_before", None)
        if before is not None:
            members.log_operator_change(
                form.instance,
                before,
                by=request.user if isinstance(request.user, User) else None,
                where="in the administration",
            )
