"""`Refused`: what every app's services raise when they will not do what was asked.

One exception for all of them, so pages show its sentence next to the field it names
and the API answers it in the one error shape (`core.api` turns it into a response) with
its status and machine-readable code.
"""

from __future__ import annotations

from typing import Any


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
