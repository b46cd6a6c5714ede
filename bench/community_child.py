"""What bench/community.py measures, in the child process with Django set up against the
loaded database: projects made through the services, the bulk-loaded documents checked
against the real `reindex`, then the feed and search requests checked and timed, their
queries counted and timed statement by statement, the plan of the slowest statement of
each request over the goal (see bench/community.py's steps 3 and 4)."""

from __future__ import annotations

import functools
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from community_world import (
    BASE,
    COMMON,
    FOLLOWED_PROJECTS,
    PROJECTS,
    RARE,
    READER,
    UPDATES_PER_PROJECT,
)
from harness import BenchError, database_facts, interleaved, summary

FEED_PAGE = 20  # ensemble.community.services.feed.PAGE (checked in the child)
SEARCH_PAGE = 20  # ensemble.search.results.PAGE (checked in the child)
LATER = 50  # the later page measured: the feed's 50th by cursor, search's last (page=50)
GOAL_MS = 50
RUNS, MIN_RUNS, BUDGET_S = 20, 5, 40.0
QUICK_RUNS = 5
WARMUP = 3
REQUESTS = (
    "feed_page_1",
    "feed_page_n",
    "feed_api_1",
    "feed_api_n",
    "search_page_1",
    "search_page_n",
    "search_api_1",
    "search_api_n",
    "rare_page",
    "rare_api",
    "search_api_unremixed",
)


def setup_projects(spec: dict[str, Any]) -> list[list[int]]:
    """Projects through the services; the reader follows the first FOLLOWED_PROJECTS.
    Returns the feed items they add: [seconds after BASE, kind index, key, project]."""
    from django.utils import timezone

    from ensemble.accounts.models import User
    from ensemble.community.services import follows
    from ensemble.projects import services as projects
    from ensemble.projects.models import Call, StatusUpdate

    reader = User.objects.get(pk=READER)
    owners = list(User.objects.filter(pk__in=spec["project_owners"]).order_by("pk"))
    times = iter(spec["project_times"])
    items = []
    for n in range(PROJECTS):
        owner = owners[n % len(owners)]
        project = projects.create_project(
            owner,
            title=f"Project {n + 1}: the {spec['project_words'][n]}",
            description=f"A film about the {spec['project_words'][n]}.",
            stages=["Writing", "Sound", "Picture"],
        )
        projects.set_status(project, by=owner, status="open")
        followed = n < FOLLOWED_PROJECTS
        if followed:
            follows.follow_project(reader, project)
        for k in range(UPDATES_PER_PROJECT):
            update = projects.post_update(project, by=owner, body=f"Update {k + 1}: on we go.")
            at = next(times)
            StatusUpdate.objects.filter(pk=update.pk).update(
                created_at=BASE + timedelta(seconds=at)
            )
            if followed:
                items.append([at, 2, update.pk, project.pk])
        call = projects.create_call(
            project,
            by=owner,
            title=f"Sounds for project {n + 1}",
            brief="Anything that fits.",
            deadline=timezone.now() + timedelta(days=30),
        )
        at = next(times)
        Call.objects.filter(pk=call.pk).update(created_at=BASE + timedelta(seconds=at))
        if followed:
            items.append([at, 3, call.pk, call.pk])
    return items


def check_documents(spec: dict[str, Any]) -> list[str]:
    """Re-make some documents with the real reindex functions (rolled back) and compare
    them with the bulk-loaded ones; count what each word matches in the engine."""
    from django.db import connection, transaction

    from ensemble.accounts import indexing as people
    from ensemble.accounts.models import User
    from ensemble.records import indexing as records
    from ensemble.records.models import Record
    from ensemble.search.models import Document

    pg = connection.vendor == "postgresql"
    fields = ["title", "body", "tags", "subkind", "public"]

    def snapshot(kind: str, object_id: int) -> tuple:
        doc = Document.objects.get(kind=kind, object_id=object_id)
        values = tuple(getattr(doc, f) for f in fields)
        if pg:
            with connection.cursor() as cursor:
                cursor.execute("SELECT vector::text FROM search_document WHERE id = %s", [doc.pk])
                values += (cursor.fetchone()[0],)
        return values

    checked = []
    for kind, object_id in spec["sample_documents"]:
        before = snapshot(kind, object_id)
        with transaction.atomic():
            if kind == "record":
                records.reindex(Record.objects.select_related("current_version").get(pk=object_id))
            else:
                people.reindex(User.objects.get(pk=object_id))
            after = snapshot(kind, object_id)
            transaction.set_rollback(True)  # the check leaves the data as it was
        if before != after:
            raise BenchError(
                f"The bulk-loaded document of {kind} {object_id} differs from "
                f"what reindex writes:\n{before}\n{after}"
            )
        checked.append(f"{kind} {object_id}")
    for word, expected in ((COMMON, spec["common_docs"]), (RARE, len(spec["rare_docs"]))):
        with connection.cursor() as cursor:
            if pg:
                cursor.execute(
                    "SELECT count(*) FROM search_document WHERE public AND "
                    "vector @@ to_tsquery('simple', %s)",
                    [f"{word}:*"],
                )
            else:
                cursor.execute(
                    "SELECT count(*) FROM search_fts JOIN search_document d ON "
                    "d.id = search_fts.rowid WHERE search_fts MATCH %s AND d.public",
                    [f'"{word}"*'],
                )
            found = cursor.fetchone()[0]
        if found != expected:
            raise BenchError(f"{word!r} matches {found} documents, expected {expected}")
    return checked


def statement_label(sql: str) -> str:
    """A short name for a statement: the engine's match, or the table it reads."""
    if "search_fts MATCH" in sql:
        return "the full-text match (`index.find`)"
    if "@@" in sql and "search_document" in sql:
        return "the full-text match (`index.find`)"
    match = re.search(r'FROM "?(\w+)"?', sql)
    return f"`{match.group(1)}`" if match else sql[:30]


def explain(sql: str, params: Any) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = cursor.fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _, detail in plan:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """In the child: Django set up against the loaded database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ensemble.accounts.models import User
    from ensemble.community.services import feed
    from ensemble.lineage.models import Source
    from ensemble.projects.models import Call, Project, StatusUpdate
    from ensemble.search import results

    if feed.PAGE != FEED_PAGE or results.PAGE != SEARCH_PAGE:
        raise BenchError(
            f"Pages of {feed.PAGE} (feed) and {results.PAGE} (search), not "
            f"{FEED_PAGE} and {SEARCH_PAGE}"
        )
    out: dict[str, Any] = database_facts("jit", "shared_buffers", "work_mem")

    start = time.perf_counter()
    project_items = setup_projects(spec)
    out["setup_s"] = time.perf_counter() - start
    print(
        f"  projects made through the services in {out['setup_s']:.1f} s",
        file=sys.stderr,
        flush=True,
    )
    start = time.perf_counter()
    out["checked_documents"] = check_documents(spec)
    print(
        f"  documents and word counts checked in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
        flush=True,
    )

    # The feed the reader must see: the five streams merged, newest first.
    stream = spec["record_stream"] + spec["remix_stream"] + project_items
    stream.sort(key=lambda i: (i[0], -i[1], i[2]), reverse=True)
    calls = {c.pk: c for c in Call.objects.all()}
    projects = {p.pk: p for p in Project.objects.all()}

    def expected_item(item: list[int]) -> tuple[str, str, float]:
        at, kind, _, target = item
        if kind in (0, 1):
            url = reverse("records:detail", args=[target])
        elif kind == 2:
            url = projects[target].get_absolute_url()
        else:
            url = calls[target].get_absolute_url()
        return feed.KINDS[kind], url, (BASE + timedelta(seconds=at)).timestamp()

    expected_feed = {
        1: [expected_item(i) for i in stream[:FEED_PAGE]],
        LATER: [expected_item(i) for i in stream[(LATER - 1) * FEED_PAGE : LATER * FEED_PAGE]],
    }
    out["feed_kinds"] = {
        kind: sum(1 for i in stream[: LATER * FEED_PAGE] if i[1] == n)
        for n, kind in enumerate(feed.KINDS)
    }
    out["updates"], out["calls"] = StatusUpdate.objects.count(), len(calls)

    client = Client()
    client.force_login(User.objects.get(pk=READER))
    cursor_token: str | None = None
    hops = time.perf_counter()
    for _ in range(LATER - 1):
        page = client.get("/api/v1/feed" + (f"?cursor={cursor_token}" if cursor_token else ""))
        cursor_token = page.json()["next_cursor"]
        if cursor_token is None:
            raise BenchError(f"The feed ended before page {LATER}")
    out["hops_s"] = time.perf_counter() - hops
    later = quote(cursor_token or "")
    paths = {
        "feed_page_1": "/feed",
        "feed_page_n": f"/feed?cursor={later}",
        "feed_api_1": "/api/v1/feed",
        "feed_api_n": f"/api/v1/feed?cursor={later}",
        "search_page_1": f"/search?q={COMMON}",
        "search_page_n": f"/search?q={COMMON}&page={LATER}",
        "search_api_1": f"/api/v1/search?q={COMMON}",
        "search_api_n": f"/api/v1/search?q={COMMON}&page={LATER}",
        "rare_page": f"/search?q={RARE}",
        "rare_api": f"/api/v1/search?q={RARE}",
        "search_api_unremixed": f"/api/v1/search?q={COMMON}&never_remixed=true",
    }
    out["paths"] = paths

    def get(name: str) -> Any:
        return client.get(paths[name])

    # What each request returns must be right before it is timed.
    rare = sorted(["record", r] for r in spec["rare_docs"])
    seen_search: dict[str, set[tuple[str, int]]] = {}
    for name in REQUESTS:
        response = get(name)
        if response.status_code != 200:
            raise BenchError(f"{paths[name]} answered {response.status_code}")
        body = response.content.decode()
        number = 1 if name.endswith("_1") else LATER
        if name.startswith("feed_api"):
            items = response.json()["items"]
            got = [
                (i["kind"], i["url"], datetime.fromisoformat(i["at"]).timestamp()) for i in items
            ]
            if got != expected_feed[number]:
                raise BenchError(
                    f"{paths[name]} shows {got[:3]}…, expected {expected_feed[number][:3]}…"
                )
        elif name.startswith("feed_page"):
            kinds = re.findall(r'class="card feed-item feed-item--(\w+)"', body)
            if kinds != [k for k, _, _ in expected_feed[number]]:
                raise BenchError(f"{paths[name]} shows {kinds[:5]}…")
        elif name.startswith(("search_api", "rare_api")):
            items = response.json()
            hits = {(i["type"], i["id"]) for i in items}
            word = RARE if name.startswith("rare") else COMMON
            want = len(rare) if word == RARE else SEARCH_PAGE
            if len(items) != want:
                raise BenchError(f"{paths[name]} found {len(items)}, expected {want}")
            for i in items:
                marked = (i["title_html"] + i["snippet_html"]).lower()
                if f"<mark>{word}</mark>" not in marked:
                    raise BenchError(f"{paths[name]}: {i} does not show the word")
            if word == RARE and sorted(list(h) for h in hits) != rare:
                raise BenchError(f"{paths[name]} found {sorted(hits)}, expected {rare}")
            if name == "search_api_unremixed" and (
                {kind for kind, _ in hits} != {"record"}
                or Source.objects.filter(source_id__in=[pk for _, pk in hits]).exists()
            ):
                raise BenchError(f"{paths[name]} found something remixed: {sorted(hits)}")
            seen_search[name] = hits
        else:
            found = body.count('<li class="card">')
            want = len(rare) if name.startswith("rare") else SEARCH_PAGE
            if found != want:
                raise BenchError(f"{paths[name]} shows {found} results, expected {want}")
        out.setdefault("bytes", {})[name] = len(response.content)
    if seen_search["search_api_1"] & seen_search["search_api_n"]:
        raise BenchError("Search pages 1 and 50 share results")

    # Interleaved: a burst of other work hits every row a bit. A slow request stops
    # early, once it has MIN_RUNS runs and BUDGET_S seconds.
    times = interleaved(
        {name: functools.partial(get, name) for name in REQUESTS},
        spec["runs"],
        warmup=WARMUP,
        enough=lambda _, done: len(done) >= MIN_RUNS and sum(done) / 1000 > BUDGET_S,
        progress=True,
    )
    out.update((name, summary(values)) for name, values in times.items())

    # Queries: how many, the SQL's own time, statement by statement.
    timed: list[tuple[str, Any, float]] = []

    def timing(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((sql, params, time.perf_counter() - start))

    explained: dict[str, tuple[list[str], tuple[str, Any]]] = {}
    for name in REQUESTS:
        per_call = []
        for _ in range(3):
            timed.clear()
            with connection.execute_wrapper(timing), CaptureQueriesContext(connection) as captured:
                get(name)
            per_call.append(list(timed))
        # Statement by statement, the median of the calls (the last call's alone if the
        # calls ran different numbers of statements).
        alike = [c for c in per_call if len(c) == len(per_call[-1])]
        statements = [
            {
                "sql": sql,
                "params": params,
                "ms": statistics.median(call[k][2] for call in alike) * 1000,
            }
            for k, (sql, params, _) in enumerate(per_call[-1])
        ]
        out[name]["queries"] = len(captured.captured_queries)
        out[name]["sql_ms"] = sum(s["ms"] for s in statements)
        slowest = max(statements, key=lambda s: s["ms"])
        out[name]["slowest"] = {"label": statement_label(slowest["sql"]), "ms": slowest["ms"]}
        out[name]["statements"] = [f"{s['ms']:8.2f} ms  {s['sql'][:160]}" for s in statements]
        out[name]["parts"] = [[statement_label(s["sql"]), s["ms"]] for s in statements]
        if out[name]["median_ms"] > GOAL_MS and slowest["ms"] > 5:
            key = re.sub(r"\s+", " ", slowest["sql"])
            if key not in explained:
                plan = explain(slowest["sql"], slowest["params"])
                explained[key] = (plan, (name, slowest["params"]))
            out[name]["plan_key"] = key
    out["plans"] = [
        {"sql": sql, "plan": plan, "params": repr(params[1])}
        for sql, (plan, params) in explained.items()
    ]
    return out
