"""The people of the demo: the accounts one signs in as, and a crowd around them.

Names are put together from two short lists, so nobody real is meant; the crowd joined
months before the story starts (trending ignores accounts younger than a day) and has
no password at all: only the demo accounts can be signed in to.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from ensemble.accounts import indexing
from ensemble.accounts.models import User
from ensemble.demo.models import DemoAccount
from ensemble.notifications.kinds import Delivery, all_kinds
from ensemble.notifications.services import set_preferences

FIRST = (
    "Ada",
    "Bea",
    "Cato",
    "Dara",
    "Eli",
    "Fen",
    "Gus",
    "Hal",
    "Iris",
    "Jude",
    "Kai",
    "Lior",
    "Mae",
    "Nico",
    "Oona",
    "Pia",
    "Quin",
    "Rafa",
    "Sami",
    "Tess",
    "Uma",
    "Vic",
    "Wes",
    "Xan",
    "Yara",
    "Zeb",
    "Amos",
    "Bo",
    "Cleo",
    "Dov",
    "Effie",
    "Finn",
    "Gia",
    "Hugo",
    "Ivo",
    "Juno",
)
LAST = (
    "Abbot",
    "Birch",
    "Coyle",
    "Dunmore",
    "Ekwueme",
    "Falk",
    "Garay",
    "Holm",
    "Ishii",
    "Jansen",
    "Kovac",
    "Lindqvist",
    "Moreau",
    "Nakata",
    "Okoye",
    "Pardo",
    "Quist",
    "Rasku",
    "Szabo",
    "Tamm",
    "Ueda",
    "Varga",
    "Wolde",
    "Yilmaz",
    "Zorn",
)


@dataclass(frozen=True)
class Role:
    username: str
    name: str
    role: str  # what the home page says they are
    skills: tuple[str, ...]
    bio: str
    demo: bool = True  # an account one signs in as


LEADS = (
    Role(
        "hana",
        "Hana Okafor",
        "the producer (she ran the project and edited the film)",
        ("production", "editing"),
        "Producer and editor. I like films made by a hundred people.",
    ),
    Role(
        "wren",
        "Wren Castellanos",
        "the writer of the poem",
        ("writing",),
        "I write narrative poems about people who are not quite what they seem.",
    ),
    Role(
        "milo",
        "Milo Brandt",
        "a musician (his score was selected)",
        ("music", "sound"),
        "Composer. Small tunes for small films.",
    ),
    Role(
        "ines",
        "Inès Laurent",
        "an illustrator (shortlisted, not selected)",
        ("illustration", "design"),
        "Illustrator. Hats, buttons, vegetables.",
    ),
    Role(
        "rosa",
        "Rosa Lindqvist",
        "a moderator (reports come to her)",
        ("production",),
        "I look after this site: reports, questions, the rules.",
    ),
    Role(
        "tomas",
        "Tomás Ferreira",
        "",
        ("illustration",),
        "I draw characters with very straight backs.",
        demo=False,
    ),
    Role(
        "yuki",
        "Yuki Tanabe",
        "",
        ("animation",),
        "Animator; walk cycles are my weakness.",
        demo=False,
    ),
    Role("ada", "Ada Holm", "", ("music",), "Pianist.", demo=False),
    Role("sol", "Sol Varga", "", ("music",), "Violinist.", demo=False),
    Role("kit", "Kit Moreau", "", ("music",), "Clarinettist.", demo=False),
)


@dataclass
class Cast:
    people: dict[str, User]  # the leads, by username
    crowd: list[User]  # everyone else, in a fixed order
    passwords: dict[str, str]  # the demo accounts' passwords, by username

    def __getitem__(self, username: str) -> User:
        return self.people[username]


def crowd_names(count: int) -> list[tuple[str, str]]:
    """`count` (username, display name) pairs, the same every time."""
    names, taken = [], set()
    for n in range(count):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 7 + n // len(FIRST)) % len(LAST)]
        username = f"{first}{last}".lower()
        if username in taken:  # the same pair again: a number tells them apart
            username = f"{username}{n}"
        taken.add(username)
        names.append((username, f"{first} {last}"))
    return names


def _member(username: str, name: str, *, joined: datetime, bio: str = "") -> User:
    user = User(
        username=username,
        email=f"{username}@demo.invalid",
        display_name=name,
        bio=bio,
        date_joined=joined,
    )
    user.set_unusable_password()
    user.save()
    return user


def assemble(*, crowd: int, joined: datetime) -> Cast:
    """Create the leads (the demo accounts with fresh random passwords) and the crowd.

    Addresses end in `.invalid`; the crowd's stay unverified and the demo accounts'
    notifications are set to the site only, so no email ever leaves for them."""
    people, passwords = {}, {}
    for position, lead in enumerate(LEADS):
        user = _member(lead.username, lead.name, joined=joined, bio=lead.bio)
        user.set_skills(lead.skills)
        if lead.demo:
            passwords[lead.username] = "-".join(secrets.token_hex(2) for _ in range(3))
            user.set_password(passwords[lead.username])
            # Verified (no banner asking), but told only on the site: no email ever
            # leaves for an address that cannot receive one.
            user.email_verified_at = joined
            user.save(update_fields=["password", "email_verified_at"])
            set_preferences(user, {kind.key: Delivery.IN_APP for kind in all_kinds()})
            DemoAccount.objects.create(
                user=user, role=lead.role, position=position, password=passwords[lead.username]
            )
        people[lead.username] = user
        indexing.reindex(user)
    others = []
    for username, name in crowd_names(crowd):
        user = _member(username, name, joined=joined)
        indexing.reindex(user)
        others.append(user)
    return Cast(people, others, passwords)
