"""The session store: Django's database sessions, read in plain SQL.

Every request a member makes reads their session first. Django's store builds an ORM
query for it each time (0.17 ms on the bench site, for a statement that runs in 0.02 ms).
This one reads the same row, unexpired, with one prepared statement; writing, expiry and
everything else are Django's (`SESSION_ENGINE = "ensemble.accounts.sessions"`)."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        data = self._stored_data()
        if data is None:
            self._session_key = None  # as Django's store does: a new key when saved
            return {}
        return self.decode(data)

    def _stored_data(self) -> str | None:
        """The session's encoded data, if the row is there and has not expired."""
        if not self.session_key:
            return None
        model = self.model
        connection = connections[router.db_for_read(model)]
        q = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q('session_data')} FROM {q(model._meta.db_table)} "  # noqa: S608
                f"WHERE {q('session_key')} = %s AND {q('expire_date')} > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        return None if row is None else str(row[0])
