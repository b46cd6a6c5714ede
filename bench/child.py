"""`python bench/child.py MODULE:FUNCTION SPEC`: a benchmark's measuring process.

harness.measure_in_child starts it with the environment of the database under test; it
sets Django up, calls FUNCTION(SPEC) of the bench module MODULE with the JSON spec, and
prints the result as the last line of its output, a JSON object. A fresh process for
each database keeps one database's caches and memory out of the other's figures.
"""

from __future__ import annotations

import importlib
import json
import sys


def main(target: str, spec: str) -> None:
    import django

    django.setup()
    module, function = target.split(":")
    result = getattr(importlib.import_module(module), function)(json.loads(spec))
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:])
