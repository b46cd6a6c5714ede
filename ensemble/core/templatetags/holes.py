"""`{% hole "name" %}`: the place of what differs for every member inside a shared
fragment (core.fragments), filled in for each request by what the view gives."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from ensemble.core import fragments

register = template.Library()


@register.simple_tag
def hole(name: str) -> SafeString:
    return mark_safe(fragments.hole(name))  # noqa: S308 - a fixed comment and a keyed hash
