"""`{% fixed_url "name" %}`: the URL of a view that takes no arguments, reversed once per
process. The header every page shows links to twenty such pages, and reversing them
afresh was a fifth of a signed-in page's frame (`reverse` ~20 µs a link)."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return _reversed(name, get_script_prefix(), get_language())


@lru_cache(maxsize=256)
def _reversed(name: str, prefix: str, language: str | None) -> str:
    del prefix, language  # parts of the cache key only: reverse() reads them
    return reverse(name)
