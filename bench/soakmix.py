"""The soak's traffic: the site it runs on, the members it acts as, and the request mix.

Used by bench/soak.py both against the real server (over HTTP) and in-process (Django's
test client, for `--profile`), so what tracemalloc sees is the same mix that grew.

`seed` runs in a child process with Django set up against the soak's database (after
`ensemble demo`): it makes MEMBERS verified members with a bearer token each, and an open
call of their own taking up to 100 images per person, and returns what the mix needs
(ids of public records, projects, calls, usernames).
"""

from __future__ import annotations

import io
import json
import random
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

MEMBERS = 60
# Each member writes at most once per WRITE_EVERY_SECONDS, spread over five kinds: over
# ten minutes about 9 comments, 4 uploads and 4 entries each, under the default limits
# (settings.RATE_LIMITS: 20 comments per 10 minutes, 60 uploads and 30 entries an hour).
# Each member also has its own client address (X-Forwarded-For, TRUSTED_PROXY_COUNT=1),
# so the per-address limits count members, as behind a proxy, not the soak as a whole.
WRITE_EVERY_SECONDS = 20.0
WORDS = (
    "turnip",
    "river",
    "poem",
    "film",
    "score",
    "piano",
    "hat",
    "eyebrows",
    "city",
    "reading",
    "violin",
    "sketch",
    "remix",
    "character",
    "night",
)

READS = {  # kind: weight
    "home": 6,
    "record": 14,
    "browse": 6,
    "search": 6,
    "project": 5,
    "call": 5,
    "profile": 4,
    "api_records": 8,
    "api_record": 8,
    "api_comments": 5,
    "api_search": 4,
    "api_calls": 3,
    "api_feed": 3,
    "api_notifications": 3,
}
WRITES = {"comment": 5, "heart": 4, "follow": 3, "upload": 2, "entry": 2}


@dataclass(frozen=True)
class Call:
    """One request, whatever carries it."""

    kind: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""

    def ok(self, status: int) -> bool:
        """A read must answer 200 (no redirect passes for a page); a write any 2xx."""
        return status == 200 if self.method == "GET" else 200 <= status < 300


@dataclass
class Member:
    username: str
    token: str
    address: str
    next_write: float = 0.0
    following: set[str] = field(default_factory=set)
    hearted: set[int] = field(default_factory=set)


class Mix:
    """Picks the next request: a write when some member may write now, else a read."""

    def __init__(self, site: dict[str, Any], seed: int = 15) -> None:
        self.random = random.Random(seed)
        self.site = site
        self.members = [
            Member(m["username"], m["token"], f"10.15.{i // 200}.{i % 200 + 1}")
            for i, m in enumerate(site["members"])
        ]
        self.count = 0

    def next(self, now: float) -> Call:
        self.count += 1
        ready = [m for m in self.members if m.next_write <= now]
        if ready and self.random.random() < 0.25:
            writer = self.random.choice(ready)
            writer.next_write = now + WRITE_EVERY_SECONDS
            return self.write(writer)
        return self.read(self.random.choice(self.members))

    def _pick(self, weights: dict[str, int]) -> str:
        return self.random.choices(list(weights), weights=list(weights.values()))[0]

    def read(self, who: Member) -> Call:
        kind, r, site = self._pick(READS), self.random, self.site
        anonymous = {"X-Forwarded-For": f"10.16.0.{r.randrange(1, 250)}"}
        signed = {"Authorization": f"Bearer {who.token}", "X-Forwarded-For": who.address}
        word = r.choice(WORDS)
        paths = {
            "home": "/",
            "record": f"/records/{r.choice(site['records'])}",
            "browse": r.choice(
                [
                    "/records/",
                    "/records/?kind=image",
                    f"/records/?tag={word}",
                    f"/records/?page={r.randrange(1, 5)}",
                ]
            ),
            "search": f"/search?q={word}",
            "project": f"/projects/{r.choice(site['projects'])}/",
            "call": f"/calls/{r.choice(site['calls'])}",
            "profile": f"/@{r.choice(site['people'])}/",
            "api_records": f"/api/v1/records?limit={r.choice([10, 24, 50])}",
            "api_record": f"/api/v1/records/{r.choice(site['records'])}",
            "api_comments": f"/api/v1/records/{r.choice(site['records'])}/comments",
            "api_search": f"/api/v1/search?q={word}",
            "api_calls": "/api/v1/calls",
            "api_feed": "/api/v1/feed",
            "api_notifications": "/api/v1/notifications",
        }
        needs_token = kind in ("api_feed", "api_notifications") or r.random() < 0.3
        return Call(kind, "GET", paths[kind], signed if needs_token else anonymous)

    def write(self, who: Member) -> Call:
        kind, r, site = self._pick(WRITES), self.random, self.site
        headers = {"Authorization": f"Bearer {who.token}", "X-Forwarded-For": who.address}
        record = r.choice(site["records"])
        if kind == "comment":
            someone = r.choice(site["usernames"])
            text = f"Soak comment {self.count}: the {r.choice(WORDS)} works, @{someone}."
            body = json.dumps({"body": text}).encode()
            headers["Content-Type"] = "application/json"
            return Call(kind, "POST", f"/api/v1/records/{record}/comments", headers, body)
        if kind == "heart":  # toggles, so the table never just grows
            method = "DELETE" if record in who.hearted else "POST"
            who.hearted.symmetric_difference_update({record})
            return Call(kind, method, f"/api/v1/records/{record}/hearts", headers)
        if kind == "follow":
            person = r.choice([u for u in site["usernames"] if u != who.username])
            method = "DELETE" if person in who.following else "POST"
            who.following.symmetric_difference_update({person})
            return Call(kind, method, f"/api/v1/users/{person}/follow", headers)
        fields = {"title": f"Soak sketch {self.count}", "licence": "accord"}
        body, content_type = multipart(fields, f"soak-{self.count}.png", image(r))
        headers["Content-Type"] = content_type
        if kind == "upload":
            return Call(kind, "POST", "/api/v1/records", headers, body)
        return Call(kind, "POST", f"/api/v1/calls/{site['open_call']}/uploads", headers, body)


def image(r: random.Random) -> bytes:
    """A small PNG, different every time (so no two uploads share a hash)."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (160, 120), tuple(r.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y = r.randrange(160), r.randrange(120)
        box = (x, y, x + r.randrange(5, 60), y + r.randrange(5, 60))
        draw.ellipse(box, fill=tuple(r.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def seed(spec: dict[str, Any]) -> dict[str, Any]:
    """In the child (Django set up): members, tokens, an open call; the site's ids. The
    spec is empty: the numbers are this module's."""
    from datetime import timedelta

    from django.utils import timezone

    from ensemble.accounts.models import User
    from ensemble.accounts.services import create_access_token
    from ensemble.projects import services as projects
    from ensemble.projects.models import Call as CallRow
    from ensemble.projects.models import Project
    from ensemble.records.models import Record

    members = []
    for n in range(MEMBERS):
        user = User.objects.create(
            username=f"soak{n}",
            email=f"soak{n}@example.invalid",
            email_verified_at=timezone.now(),
            display_name=f"Soak Member {n}",
        )
        user.set_unusable_password()
        user.save()
        members.append(
            {"username": user.username, "token": create_access_token(user, "soak").secret}
        )
    producer = User.objects.get(username="soak0")
    project = projects.create_project(producer, title="Soak sketches", stages=["Sketches"])
    projects.set_status(project, by=producer, status="open")
    call = projects.create_call(
        project,
        by=producer,
        title="Any sketch",
        brief="Anything, as often as you like.",
        deadline=timezone.now() + timedelta(days=30),
        accepted_kinds=["image"],
        max_entries_per_person=100,
    )
    public = Record.objects.public()
    return {
        "members": members,
        "records": list(public.order_by("pk").values_list("pk", flat=True)),
        "projects": list(Project.objects.exclude(status="draft").values_list("slug", flat=True)),
        "calls": list(
            CallRow.objects.exclude(project__status="draft").values_list("pk", flat=True)
        ),
        "open_call": call.pk,
        "people": list(User.objects.order_by("pk").values_list("username", flat=True)[:60]),
        "usernames": [m["username"] for m in members],
    }


def pace(start: float, sent: int, rate: float) -> None:
    """Sleep until request number `sent` is due at `rate` per second."""
    due = start + sent / rate
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
