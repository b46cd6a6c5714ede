"""One timed transcode as a worker does it, with the files in local folders or in S3.

`python bench/storage_child.py local|s3 SRC WORK_DIR [STORAGE_URL NAME]` prints one JSON
line: wall and CPU seconds and peak memory of the worker's whole job for one version.

- local: the original is read where it lies and the renditions renamed beside it
  (records.workspace on local folders).
- s3: the original is fetched from the bucket into WORK_DIR, processed there, and every
  rendition uploaded back (records.workspace on a bucket), through filestore.Area, the
  same calls the worker makes.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from media import ours, status_mb


def main(argv: list[str]) -> int:
    mode, src, work = argv[0], Path(argv[1]), Path(argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ensemble.settings")
    os.environ.update(DEBUG="true", VAR_DIR=str(work / "var"))
    if mode == "s3":
        os.environ["STORAGE_URL"] = argv[3]
    import django

    django.setup()
    from ensemble.core import filestore

    process = ours("video")
    out = work / "out"
    out.mkdir(parents=True)
    before = status_mb("VmRSS")
    cpu_start, start = time.process_time(), time.perf_counter()
    if mode == "s3":
        original = work / "original.mkv"
        filestore.records.fetch(argv[4], original)
        process(original, out)
        for made in sorted(out.iterdir()):
            filestore.records.keep(made, f"bench/{made.name}")
    else:
        process(src, out)
        for made in sorted(out.iterdir()):
            made.replace(src.parent / made.name)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "rss_before_mb": before,
                "peak_rss_mb": status_mb("VmHWM"),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
