"""Every route the site has, from the URL conf and the API's OpenAPI description, and
its URL on the matrix's site (`site.py`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from ensemble.api import api

# Not ours to declare: Django's admin (staff only; tests/browser/test_admin.py and
# moderation's tests check who gets in).
SKIPPED = ("admin/",)
# Where one argument name means another thing on one route.
RENAMED = {"moderation:file_appeal": {"entry_id": "audit_entry_id"}}
_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner or namespace)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else (p.name or str(p.pattern))
            yield name, prefix + str(p.pattern)


def pages() -> dict[str, str]:
    """name → path pattern, for every page route (the API and the admin left out)."""
    return {
        name: path
        for name, path in _walk(get_resolver().url_patterns)
        if not path.startswith(SKIPPED) and not path.startswith("api/v1/")
    }


def operations() -> set[str]:
    """ "METHOD /api/v1/path" for every operation the OpenAPI description lists."""
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}


# Routes written as regular expressions, each with an example path.
EXAMPLES = {
    r"^api/(?P<rest>.*)$": "/api/v0/nothing",
    r"^media/(?P<path>avatars/[A-Za-z0-9_.-]+)$": "/media/avatars/nobody.png",
}


def page_url(name: str, pattern: str, values: dict[str, Any]) -> str:
    if pattern in EXAMPLES:
        return EXAMPLES[pattern]
    renamed = RENAMED.get(name, {})
    return "/" + _ARGUMENT.sub(lambda m: str(values[renamed.get(m.group(1), m.group(1))]), pattern)


def operation_url(operation: str, values: dict[str, Any]) -> str:
    path = operation.split(" ", 1)[1]
    return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)
