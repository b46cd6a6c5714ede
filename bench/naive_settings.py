"""bench/pages.py's settings: the site's own, plus one page of naive Django to measure
beside Ensemble's pages (bench/naive_urls.py). Bench only: nothing in `ensemble` imports
it, and no deployment names it.

Everything else is the site's settings, unchanged (same middleware, page cache,
database): BENCH_BASE_SETTINGS names them (`ensemble.settings` unless a run measures
another module, which bench/pages.py passes on from DJANGO_SETTINGS_MODULE), so a
settings change can still be measured before it is made, reference rows and all.
"""

import os
from importlib import import_module
from pathlib import Path

_base = import_module(os.environ.get("BENCH_BASE_SETTINGS") or "ensemble.settings")
# As `from ensemble.settings import *` would, from whichever module was named.
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

# The site's URLs, with the naive page added.
ROOT_URLCONF = "bench.naive_urls"
# Its template, in bench/templates/: a copy, so the base module's list is left as it was.
_engine = _base.TEMPLATES[0]
TEMPLATES = [
    {**_engine, "DIRS": [*_engine["DIRS"], Path(__file__).parent / "templates"]},
    *_base.TEMPLATES[1:],
]
