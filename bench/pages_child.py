"""bench/pages.py's measuring process (bench/child.py runs these with Django set up
against the bulk-loaded site).

- `setup`: what the services make on the loaded site, as members would: a production of
  the reader's with 20 selected entries, its pool (bench/payments_child.py's setup), a
  proposal made, published and finalised (the earnings); notifications for the reader;
  a session and a token each for the reader and for an earner.
- `queries`: every page in process with Django's test client, checked (200 and its
  text), then its queries counted under CaptureQueriesContext and its time taken.
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

from harness import BenchError, database_facts


def setup(spec: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.test import Client
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from payments_child import setup as production_and_pool

    from ensemble.accounts.models import User
    from ensemble.accounts.services import create_access_token
    from ensemble.notifications.models import Notification
    from ensemble.notifications.services import notify
    from ensemble.payments.models import Line, Proposal
    from ensemble.payments.services import proposals

    leader, pool, _ = production_and_pool(spec)
    proposal = proposals.make_proposal(pool, by=leader)
    proposals.publish(proposal, by=leader)
    # The comment window has run its course (a week in use).
    Proposal.objects.filter(pk=proposal.pk).update(window_closes_at=timezone.now())
    proposal.refresh_from_db()
    proposals.finalize(proposal, by=leader, reason="Agreed by everyone in the thread.")
    lines = Line.objects.filter(revision__proposal=proposal, amount__gt=0).exclude(user=leader)
    earner_id = lines.order_by("-amount").values_list("user_id", flat=True).first()
    if earner_id is None:
        raise BenchError("The finalised proposal has no line for anyone but the leader.")
    for actor in User.objects.exclude(pk=leader.pk).order_by("pk")[: spec["notifications"]]:
        notify(leader, "new_follower", actor=actor)
    people = {"reader": leader, "earner": User.objects.get(pk=earner_id)}
    credentials = {}
    for who, user in people.items():
        client = Client(HTTP_HOST=spec["host"])
        client.force_login(user)
        # A browser that has been on the site holds its CSRF cookie too (what the
        # first page it got set), and a member's pages are kept for that browser.
        csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        credentials[who] = {
            "cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}",
            "token": create_access_token(user, "bench-pages").secret,
            "username": user.username,
        }
    return {
        **database_facts(),
        "pool": pool.pk,
        "proposal": proposal.pk,
        "project": pool.production.project.slug,
        "credentials": credentials,
        "notifications": Notification.objects.filter(recipient=leader).count(),
        "record_type": ContentType.objects.get(app_label="records", model="record").pk,
        # How the site is served (ensemble serve reads the same settings).
        "threads": settings.WEB_THREADS,
        "work_slots": settings.WEB_WORK_SLOTS,
    }


def headers(page: dict[str, Any], credentials: dict[str, Any]) -> dict[str, str]:
    """The HTTP headers of a page's viewer: none, a session cookie, or a bearer token."""
    who, how = page["who"], page["how"]
    if who == "anonymous":
        return {}
    if how == "token":
        return {"Authorization": f"Bearer {credentials[who]['token']}"}
    return {"Cookie": credentials[who]["cookie"]}


def check(key: str, status: int, body: str, expect: str) -> None:
    if status != 200 or expect not in body:
        raise BenchError(f"{key} answered {status} without {expect!r}:\n{body[:1500]}")


def queries(spec: dict[str, Any]) -> dict[str, Any]:
    """Each page's query count and median in-process time (`spec["runs"]` calls), as
    rendered (visitors' and members' whole pages not kept: core.pagecache,
    core.memberpages), and for the pages they keep also as they serve them ("cached")."""
    from django.test import Client, override_settings

    out = {}
    for page in spec["pages"]:
        extra = {
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in headers(page, spec["credentials"]).items()
        }
        client = Client(HTTP_HOST=spec["host"], **extra)

        def get(path: str = page["path"], c: Client = client) -> Any:
            return c.get(path)

        with override_settings(PAGE_CACHE_SECONDS=0, MEMBER_PAGE_SECONDS=0):
            response = get()
            check(page["key"], response.status_code, response.content.decode(), page["expect"])
            count, rendered = _timed(get, spec["runs"])
        cached = None
        # Kept whole for whoever asks (a visitor's page, a member's kept for them), unless
        # it opts out (`never_cache`: the reference rows) or is not kept at all.
        get()  # kept
        if get().get("X-Page-Cache") in ("hit", "member-hit"):
            cached = _timed(get, spec["runs"])[1]
        out[page["key"]] = {"queries": count, "ms": rendered, "cached_ms": cached}
        shown = f"{cached:8.1f} ms cached" if cached is not None else ""
        print(
            f"  {page['key']:<34} {count:>4} queries  {rendered:8.1f} ms  {shown}",
            file=sys.stderr,
            flush=True,
        )
    return out


def _timed(get: Any, runs: int) -> tuple[int, float]:
    """The queries of one call, and the median time of `runs` more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get()
    count = len(captured)  # now: the log is a slice the next request empties
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        get()
        times.append((time.perf_counter() - start) * 1000)
    return count, statistics.median(times)
