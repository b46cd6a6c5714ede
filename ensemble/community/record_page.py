"""What the community adds to a record page (`records.hooks.record_page`): the heart
button and "add to a list" beside it, the comments below it."""

from __future__ import annotations

from django.http import HttpRequest
from django.template import Context

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
    return {"aside": aside, "main": main}
