"""Seed the benchmark's database with one realistic member and print what run.py needs.

Run by bench/run.py with the same environment as the server under test, so it writes to
the throwaway database the server will read. Prints one JSON line on stdout: the bearer
token for /api/v1/me and a few facts about the configuration (database, workers) that the
report states, read from the settings the server really uses.
"""

from __future__ import annotations

import json

import django
from harness import database_facts

django.setup()

from django.conf import settings  # noqa: E402 - needs django.setup() first
from django.utils import timezone  # noqa: E402

from ensemble.accounts.models import Skill, User  # noqa: E402
from ensemble.accounts.services import create_access_token  # noqa: E402

USERNAME = "alice"
TOKEN_NAME = "bench"  # noqa: S105 - a label, not a secret

# A bio of the length and shape people write: a few paragraphs, emphasis, a list, a link.
BIO = """\
I write and direct **short films** about small towns, and I score most of them myself.

Lately I have been working on:

- *Harbour Lights*, a 12-minute documentary about the last ferry crew on the river;
- a radio play in five parts, looking for voices;
- an album of field recordings made at dawn.

If you need someone for sound design or a second camera, [write to me](mailto:alice@example.org).
Remixes of anything I publish here are welcome — credit the original, that is all I ask.
"""

LINKS = [
    "https://alice.example.org",
    "https://www.youtube.com/@alice",
    "https://soundcloud.com/alice",
]


def seed_member() -> User:
    """Create (or refresh) alice with a full profile: every part the page can show."""
    user, _ = User.objects.update_or_create(
        username=USERNAME,
        defaults={
            "email": "alice@example.org",
            "email_verified_at": timezone.now(),
            "display_name": "Alice Martin",
            "bio": BIO,
            "links": LINKS,
        },
    )
    user.set_unusable_password()  # the benchmark never signs in with a password
    user.save()
    user.set_skills(Skill.values[:3])
    return user


def fresh_token(user: User) -> str:
    """A new bearer token; old bench tokens go first so reruns never hit the 50-token cap."""
    user.access_tokens.filter(name=TOKEN_NAME).delete()
    return create_access_token(user, TOKEN_NAME).secret


def main() -> None:
    user = seed_member()
    facts = {
        "token": fresh_token(user),
        "database": database_facts()["database"],
        "web_workers": settings.WEB_WORKERS,
        "django": django.get_version(),
    }
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
