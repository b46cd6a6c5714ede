# The front door. `make run` serves the site; `make test` runs the whole suite.
# Both bootstrap .venv from the locked requirements on first use and skip it afterwards.

VENV := .venv
BIN := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help run dev worker test test-fast browser tour check format lock bench clean

help:
	@echo "make run     serve Ensemble on http://127.0.0.1:8000 (PORT=8790 make run for another port)"
	@echo "make dev     the same with autoreload (runserver + worker)"
	@echo "make test    run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make test-fast   the quick loop: no browser, nothing marked slow (about a minute)"
	@echo "make check   ruff, migrations check, mypy"
	@echo "make bench   the first serving benchmark (one member's pages), kept for comparison"
	@echo "make bench-pages   every page people visit, served, at 1,000,000 records (PAGES_RECORDS)"
	@echo "make bench-records / bench-lineage   media and lineage benchmarks"
	@echo "make bench-storage   a transcode from and into S3 against local files"
	@echo "make bench-timeline   the timeline renderer against a bare PyAV script"
	@echo "make soak    10 minutes of mixed load, memory of every process (SOAK_SECONDS=120)"
	@echo "make lock    re-pin requirements/*.txt from pyproject.toml"
	@echo "make clean   remove .venv and caches (keeps var/, your data)"

$(BIN)/python:
	@PY=$$(bin/find-python) && echo "Creating $(VENV) with $$PY" && "$$PY" -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per requirement set: reinstall only when the lock file changes.
$(VENV)/.base-installed: requirements/base.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/base.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.base-installed
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@

# `make run` is for trying Ensemble on this machine, so it turns DEBUG on and builds the
# demo into an empty database unless told otherwise (DEBUG=false, ENSEMBLE_DEMO=0);
# production sets SECRET_KEY and runs `ensemble serve` (see README).
run: $(VENV)/.base-installed
	DEBUG=$${DEBUG:-true} ENSEMBLE_DEMO=$${ENSEMBLE_DEMO:-1} $(BIN)/ensemble serve

dev: $(VENV)/.dev-installed
	DEBUG=$${DEBUG:-true} $(BIN)/ensemble serve --reload

worker: $(VENV)/.base-installed
	$(BIN)/ensemble worker

test: $(VENV)/.dev-installed browser
	@bin/ensure-redis
	$(BIN)/python -m pytest $(ARGS)

# The quick loop while editing: no browser needed, and none of the tests marked slow (half
# a second or more by design: processes, the demo, fuzzing, huge inputs; pyproject.toml).
test-fast: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -m "not browser and not slow" $(ARGS)

# Chromium for the browser tests: the system's, or installed now, or a message saying
# what to install (tests/browser/chromium.py).
browser: $(VENV)/.dev-installed
	@PYTHON=$(BIN)/python bin/ensure-browser

# The demo's browser walk, saving README's tour pictures (tests/browser/test_demo.py).
tour: $(VENV)/.dev-installed browser
	ENSEMBLE_TOUR_SHOTS=docs/tour DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -q tests/browser/test_demo.py

check: $(VENV)/.dev-installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=ensemble.test_settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: $(VENV)/.dev-installed
	$(BIN)/python -m pip install --quiet uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.12 -q -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.12 -q -o requirements/dev.txt

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py

# Every page people visit and its API, anonymous and signed in, served by `ensemble serve`
# on a generated site of PAGES_RECORDS records (default 1,000,000), SQLite and PostgreSQL
# (bench/pages.py; needs PostgreSQL at 127.0.0.1:5432, user postgres). To replace `make
# bench` as the serving benchmark (issue 17); `--quick` is 20,000 records.
.PHONY: bench-pages
bench-pages: $(VENV)/.dev-installed
	$(BIN)/python bench/pages.py

# Uploads and media processing against reference runs (bench/records.py; ~6 minutes).
.PHONY: bench-records
bench-records: $(VENV)/.dev-installed
	$(BIN)/python bench/records.py

# A 2 GB upload through tus into S3 against boto3, and a video processed from and into S3
# against the same job on local files (SeaweedFS on this machine; bench/storage.py,
# about 10 minutes).
.PHONY: bench-storage
bench-storage: $(VENV)/.dev-installed
	$(BIN)/python bench/storage.py

# Lineage walks and credit rolls on a 1,000,000-record graph, SQLite and PostgreSQL
# (bench/lineage.py; ~7 minutes; needs PostgreSQL at 127.0.0.1:5432, user postgres).
.PHONY: bench-lineage
bench-lineage: $(VENV)/.dev-installed
	$(BIN)/python bench/lineage.py

# The review grid and the entries API of a call with 5,000 entries, SQLite and PostgreSQL
# (bench/projects.py; ~1 minute; needs PostgreSQL at 127.0.0.1:5432, user postgres).
.PHONY: bench-projects
bench-projects: $(VENV)/.dev-installed
	$(BIN)/python bench/projects.py

# A payment proposal for lineages of 1,000, 10,000 and 100,000 records, SQLite and PostgreSQL
# (bench/payments.py; ~3 minutes; needs PostgreSQL at 127.0.0.1:5432, user postgres).
.PHONY: bench-payments
bench-payments: $(VENV)/.dev-installed
	$(BIN)/python bench/payments.py

# The home feed (following 500 people) and search for a common word with 1,000,000 records
# and 100,000 members, SQLite and PostgreSQL (bench/community.py; ~7 minutes, half of it
# building the data; needs PostgreSQL at 127.0.0.1:5432, user postgres).
.PHONY: bench-community
bench-community: $(VENV)/.dev-installed
	$(BIN)/python bench/community.py

# The timeline renderer against a bare PyAV script: a 3-minute 720p render of 20 clips
# and 3 audio tracks, final and draft, and memory at 1 and 3 minutes (bench/timeline.py;
# about 15 minutes).
.PHONY: bench-timeline
bench-timeline: $(VENV)/.dev-installed
	$(BIN)/python bench/timeline.py

# How long `ensemble demo` takes and how much media it makes, SQLite and PostgreSQL
# (bench/demo.py; ~1 minute; needs PostgreSQL at 127.0.0.1:5432, user postgres).
.PHONY: bench-demo
bench-demo: $(VENV)/.dev-installed
	$(BIN)/python bench/demo.py

# Mixed reads and writes from 60 members against `ensemble serve` (web and worker) for
# SOAK_SECONDS (default 600), watching every process's memory (bench/soak.py).
.PHONY: soak
soak: $(VENV)/.dev-installed
	$(BIN)/python bench/soak.py

# Keeps var/ (the embedded database and uploaded media): delete it yourself to start over.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
