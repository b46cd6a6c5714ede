"""`Refused`: what every app's services raise when they will not do what was asked.

One exception for all of them, so pages show its sentence next to the field it names
and the API answers it in the one error shape (`core.api` turns it into a response) with
its status and machine-readable code.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest


class Refused(Exception):
    """A request we will not carry out: a sentence for people, a code for programs."""

    def __init__(
        self, message: str, *, status: int = 422, code: str = "invalid", field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field

    def show_on(self, form: Any) -> None:
        """Put the sentence on the form, by its field when the form has that field."""
        form.add_error(self.field if self.field in form.fields else None, self.message)


def not_found_if_forbidden(error: Refused) -> None:
    """Pages answer "forbidden" as "not found": a 403 would tell a visitor that the thing
    exists, which is itself private (a draft, a private project's call)."""
    if error.status == 403:
        raise Http404 from error


def show_refusal(request: HttpRequest, error: Refused) -> None:
    """How a page that redirects after a POST shows a refusal: as a message on the next page
    (or a 404, as above)."""
    not_found_if_forbidden(error)
    messages.error(request, error.message)
