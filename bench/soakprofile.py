"""`make soak` with `--profile N` (bench/soak.py): the soak's mix in-process, under
tracemalloc: N requests to warm up, then N more twice, printing what grew in both
halves and where it was allocated, to find what the soak saw grow."""

from __future__ import annotations

import itertools
import math
import sys
from typing import Any

from soakmix import Mix


def profile(spec: dict[str, Any]) -> dict[str, Any]:
    """In the child: the same mix through Django's test client, `spec["n"]` requests at a
    time, under tracemalloc."""
    import tracemalloc
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.test import Client

    client, mix = Client(HTTP_HOST=urlsplit(settings.SITE_URL).netloc), Mix(spec["site"])
    count = spec["n"]

    def send_mix(n: int) -> None:
        for _ in range(n):
            # At "infinity" every member may write: a quarter of the mix writes, about as
            # in the paced soak (40 members, one write per 15 s, at 12 requests a second).
            call = mix.next(math.inf)
            headers = {k: v for k, v in call.headers.items() if k != "Content-Type"}
            response = client.generic(
                call.method,
                call.path,
                data=call.body,
                content_type=call.headers.get("Content-Type", ""),
                headers=headers,
            )
            if not call.ok(response.status_code):
                print(f"{call.path}: {response.status_code}", file=sys.stderr)

    send_mix(count)
    tracemalloc.start(12)
    snapshots = [tracemalloc.take_snapshot()]
    for _ in range(2):
        send_mix(count)
        snapshots.append(tracemalloc.take_snapshot())
    for before, after in itertools.pairwise(snapshots):
        print(f"--- after {count} more requests", file=sys.stderr)
        for stat in after.compare_to(before, "traceback")[:8]:
            print(f"{stat.size_diff / 1024:+.0f} KiB {stat.count_diff:+d} blocks", file=sys.stderr)
            for line in stat.traceback.format(limit=8):
                print("   ", line, file=sys.stderr)
    return {"traced_mb": tracemalloc.get_traced_memory()[0] / 1e6}
