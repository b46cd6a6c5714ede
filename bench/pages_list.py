"""The pages bench/pages.py measures: every page people visit and the API endpoints that
match them, each with who asks (anonymous, or a member signed in by session cookie or
bearer token) and a piece of text its 200 answer must hold; first, after the floor, the
reference rows: naive Django's list page (bench/naive_urls.py), measured as the others
but not one of the site's pages (the report holds them to no bar)."""

from __future__ import annotations

from typing import Any

from graphgen import title
from pages_data import READER, Site

FLOOR = "/healthz"
NAIVE = "/bench/naive-list"  # bench/naive_urls.py
PAGE_END = "</html>"  # a page rendered to its end (the text is checked where one is known)
BROWSE = (
    ("", "newest"),
    ("?kind=image", "kind"),
    ("?tag=writer", "tag"),
    ("?licence=accord", "licence"),
    ("?owner=member1", "owner"),
    ("?never_remixed=1", "never remixed"),
    ("?call=1", "entered in a call"),
    ("?sort=trending", "trending"),
)
SEARCH_WORD = "portrait"  # in one title in 19 (graphgen's nouns)


def pages_for(site: Site, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """[{key, path, expect, who, how, reference}] in the order measured."""
    ordinary, used, deepest = site.ordinary, site.used, site.deepest
    project, proposal, pool = facts["project"], facts["proposal"], facts["pool"]
    out: list[dict[str, Any]] = []

    def add(
        key: str,
        path: str,
        expect: str,
        who: str = "anonymous",
        how: str = "",
        *,
        reference: bool = False,
    ) -> None:
        out.append(dict(key=key, path=path, expect=expect, who=who, how=how, reference=reference))

    def both(key: str, path: str, expect: str) -> None:
        add(f"{key} (anonymous)", path, expect)
        add(f"{key} (signed in)", path, expect, "reader", "session")

    add("/healthz (floor)", FLOOR, "ok")
    reader = facts["credentials"]["reader"]["username"]
    add("naive Django list (reference)", NAIVE, "Not signed in", reference=True)
    add(
        "naive Django list, signed in (reference)",
        NAIVE,
        f"Signed in as @{reader}",
        "reader",
        "session",
        reference=True,
    )
    both("home", "/", PAGE_END)
    add("feed", "/feed", PAGE_END, "reader", "session")
    both("record, ordinary", f"/records/{ordinary}", title(ordinary))
    both("record, most used", f"/records/{used}", title(used))
    both("record, deepest lineage", f"/records/{deepest}", title(deepest))
    add("used in, most used", f"/records/{used}/used-in", title(used))
    add("remix tree, deepest", f"/records/{deepest}/tree", title(deepest))
    add("credits, deepest", f"/records/{deepest}/credits", title(deepest))
    for query, name in BROWSE:
        add(f"browse, {name}", f"/records/{query}", PAGE_END)
    add("browse, newest (signed in)", "/records/", PAGE_END, "reader", "session")
    add("search", f"/search?q={SEARCH_WORD}", PAGE_END)
    both("profile", f"/@member{READER}/", f"Member {READER}")  # signed in: the reader's own
    other = READER + 1  # what members mostly visit: someone else's
    add(
        "profile, another's (signed in)",
        f"/@member{other}/",
        f"Member {other}",
        "reader",
        "session",
    )
    both("project, 5,000 entries", "/projects/project-1/", "Project 1")
    add("project, production", f"/projects/{project}/", PAGE_END)
    add("open calls", "/calls/", PAGE_END)
    both("call, 5,000 entries", "/calls/1", "Design the main character")
    add("review grid", "/calls/1/review", "Design the main character", "reader", "session")
    add("proposal", f"/proposals/{proposal}", PAGE_END, "reader", "session")
    add("pool", f"/pools/{pool}", PAGE_END, "reader", "session")
    add("earnings", "/me/earnings", PAGE_END, "earner", "session")
    add("notifications", "/notifications/", PAGE_END, "reader", "session")

    api = "/api/v1"
    add("API records", f"{api}/records?limit=20", '"items"')
    for query, name in BROWSE[1:]:
        add(f"API records, {name}", f"{api}/records{query}&limit=20", '"items"')
    add("API record, ordinary", f"{api}/records/{ordinary}", title(ordinary))
    add("API record, most used", f"{api}/records/{used}", title(used))
    add("API used in, most used", f"{api}/records/{used}/used-in", '"items"')
    add("API sources, deepest", f"{api}/records/{deepest}/sources", '"id"')
    add("API lineage, deepest", f"{api}/records/{deepest}/lineage", '"id"')
    add("API comments (1,000)", f"{api}/records/{ordinary}/comments", '"items"')
    add("API search", f"{api}/search?q={SEARCH_WORD}", '"title_html"')
    add("API user", f"{api}/users/member{READER}", f'"member{READER}"')
    add("API project", f"{api}/projects/project-1", '"project-1"')
    add("API call", f"{api}/calls/1", "Design the main character")
    add("API call entries", f"{api}/calls/1/entries", '"items"')
    add("API proposal", f"{api}/proposals/{proposal}", '"id"')
    add("API pool", f"{api}/pools/{pool}", '"id"')
    add("API me", f"{api}/me", f'"member{READER}"', "reader", "token")
    add("API feed", f"{api}/feed", '"items"', "reader", "token")
    add("API notifications", f"{api}/notifications", '"items"', "reader", "token")
    add("API earnings", f"{api}/me/earnings", "{", "earner", "token")
    return out
