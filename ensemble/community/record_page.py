"""What the community adds to a record page (`records.hooks.record_page`): the heart
button and "add to a list" beside it, the comments below it."""

from __future__ import annotations

from django.http import HttpRequest
from django.template import Context
from django.template.loader import render_to_string

from ensemble.community.services import suggest
from ensemble.community.templatetags import community_tags
from ensemble.records.models import Record


def sections(request: HttpRequest, record: Record) -> dict[str, str]:
    if record.is_deleted:
        return {}
    context = Context({"request": request})
    aside = community_tags.heart_button(context, record) + community_tags.add_to_list(
        context, record
    )
    main = community_tags.comments_for(context, record) if record.is_public else ""
    if record.is_public and request.user.pk == record.owner_id:
        suggested = suggest.calls_for(record)
        if suggested:
            shown = {"calls": suggested, "record": record}
            aside += render_to_string("community/_suggested_calls.html", shown, request=request)
    return {"aside": aside, "main": main}
