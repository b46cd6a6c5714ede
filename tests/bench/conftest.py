"""The benchmarks' shared parts (bench/harness.py, report.py, bulkload.py), tested without
running a benchmark. bench/ is a folder of scripts importing each other by name, as
`python bench/x.py` puts it first on the path; here it goes last, shadowing nothing."""

import sys
from pathlib import Path

BENCH = str(Path(__file__).resolve().parents[2] / "bench")
if BENCH not in sys.path:
    sys.path.append(BENCH)
