"""The demo accounts and their passwords, for the home page: only with DEBUG on, and
read only if a page shows them (a lazy list, no query otherwise)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def demo_accounts(request: HttpRequest) -> dict[str, Any]:
    if not settings.DEBUG:
        return {}
    from ensemble.demo.models import DemoAccount

    return {
        "demo_accounts": SimpleLazyObject(lambda: list(DemoAccount.objects.select_related("user")))
    }
