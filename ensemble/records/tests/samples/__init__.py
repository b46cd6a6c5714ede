"""Generated sample media for tests and benchmarks (`bench/media.py`): nothing here is copied
in. Kept with the tests, out of the installed package (pyproject.toml excludes tests)."""
