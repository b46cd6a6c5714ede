"""The moderation records in Django's admin, read-only for operators: decisions are made
in the queue (`/moderation/`), where each is written to the audit log with its reason;
the admin only shows them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ensemble.moderation.models import Appeal, AuditEntry, Report


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly):
    list_display = ("created_at", "actor", "action", "kind", "target_id", "target_owner", "note")
    list_filter = ("action", "kind")
    search_fields = ("note", "actor__username", "target_owner__username")
    list_select_related = ("actor", "target_owner")


@admin.register(Report)
class ReportAdmin(ReadOnly):
    list_display = ("created_at", "kind", "target_label", "reason", "state", "reporter")
    list_filter = ("state", "reason", "kind")
    search_fields = ("target_label", "text", "reporter__username")
    list_select_related = ("reporter",)


@admin.register(Appeal)
class AppealAdmin(ReadOnly):
    list_display = ("created_at", "action", "appellant", "state", "decided_by")
    list_filter = ("state",)
    list_select_related = ("action", "appellant", "decided_by")
