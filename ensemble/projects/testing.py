"""Factories for projects tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.lineage.testing import bare_record
from ensemble.projects import services
from ensemble.projects.models import Call, Entry, Project


def make_project(owner: User, **fields: Any) -> Project:
    fields.setdefault("title", "The Man With a Turnip for a Head")
    fields.setdefault("stages", ["Writing", "Illustration", "Animation", "Score", "Edit"])
    project = services.create_project(owner, **fields)
    return services.set_status(project, by=owner, status="open")


def make_call(project: Project, by: User | None = None, **fields: Any) -> Call:
    fields.setdefault("title", "Design the main character")
    fields.setdefault("brief", "Prim, proper, buttoned-up, except his head is a turnip.")
    fields.setdefault("deadline", timezone.now() + timedelta(days=14))
    return services.create_call(project, by=by or project.owner, **fields)


def make_entry(call: Call, person: User, **fields: Any) -> Entry:
    """`person`'s entry to `call`: a fresh record without files (an image unless told)."""
    fields.setdefault("kind", "image")
    return services.submit_entry(call, by=person, record=bare_record(person, **fields))
