"""`ensemble backup FOLDER` and `ensemble restore FOLDER`: the database and every file.

A backup is a folder:

    database.sqlite3 | database.dump   the database: SQLite's online backup API (a
                                       consistent copy while the site runs), or pg_dump's
                                       custom format for PostgreSQL
    files/<area>/<name>                every file of each area (records, media, exports),
                                       copied from local folders or from the bucket
    manifest.json                      what was backed up: when, from which database
                                       engine, and each file's size and SHA-256

The database is copied first, then the files. Files are never changed in place, only
added and removed, so every file the copied database refers to is copied too, except
one removed between the two steps (its record deleted meanwhile): the manifest lists
the files rows refer to that were not there under `gone` (apps say which files their
rows refer to: `register_references`), and `ensemble backup` and `restore` say so. Files
added after the database was copied are copied too and harm nothing: nothing refers to
them.

`ensemble restore` puts a backup into an empty site (a database with no tables, and empty
areas of files: local or a bucket, whatever this site is configured with), checking every
file against the manifest. It refuses a site that holds anything.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

from ensemble.core import filestore

MANIFEST = "manifest.json"
FORMAT = 1
Progress = Callable[[int, str], None]


class BackupRefused(Exception):
    """The backup or restore cannot be done; the sentence says why."""


def backup(folder: Path, progress: Progress) -> dict[str, Any]:
    """Write a backup into `folder` (new, or empty); returns the manifest."""
    if folder.exists() and any(folder.iterdir()):
        raise BackupRefused(f"{folder} is not empty; back up into a new folder.")
    folder.mkdir(parents=True, exist_ok=True)
    engine = connection.vendor
    database = _dump_database(folder, engine)
    files: dict[str, dict[str, dict[str, Any]]] = {}
    for area in filestore.AREAS:
        files[area.alias] = {}
        for name in sorted(area.listing()):
            target = folder / "files" / area.alias / name
            target.parent.mkdir(parents=True, exist_ok=True)
            area.fetch(name, target)
            files[area.alias][name] = {"size": target.stat().st_size, "sha256": _sha256(target)}
            progress(target.stat().st_size, name)
    manifest = {
        "format": FORMAT,
        "made_at": datetime.now(UTC).isoformat(),
        "engine": engine,
        "database": database,
        "files": files,
        "gone": _gone(files),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return manifest


def restore(folder: Path, progress: Progress) -> dict[str, Any]:
    """Put the backup in `folder` into this (empty) site; returns its manifest."""
    manifest = read_manifest(folder)
    if manifest["engine"] != connection.vendor:
        raise BackupRefused(
            f"This backup is of a {manifest['engine']} database; this site uses "
            f"{connection.vendor}. Restore it into a site of the same kind."
        )
    for alias, found in manifest["files"].items():
        for name, expected in found.items():
            source = folder / "files" / alias / name
            if not source.is_file() or _sha256(source) != expected["sha256"]:
                raise BackupRefused(f"{alias}/{name} in the backup is missing or damaged.")
    if connection.introspection.table_names():
        raise BackupRefused("This site's database is not empty; restore into a new one.")
    for area in filestore.AREAS:
        if area.listing():
            raise BackupRefused(
                f"This site already has files ({area.alias}); restore into a new one."
            )
    _load_database(folder, manifest)
    for area in filestore.AREAS:
        for name, expected in sorted(manifest["files"].get(area.alias, {}).items()):
            area.keep(folder / "files" / area.alias / name, name)
            progress(expected["size"], name)
    return manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupRefused(f"{folder} holds no backup ({MANIFEST} is missing).") from None
    except (ValueError, OSError) as error:
        raise BackupRefused(f"{folder}/{MANIFEST} cannot be read: {error}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"{folder}/{MANIFEST} is not a backup this version can restore.")
    if not (folder / manifest.get("database", "")).is_file():
        raise BackupRefused(f"The database file of the backup is missing from {folder}.")
    return manifest


def total_bytes(manifest: dict[str, Any]) -> int:
    return sum(f["size"] for found in manifest["files"].values() for f in found.values())


def _dump_database(folder: Path, engine: str) -> str:
    if engine == "sqlite":
        name = "database.sqlite3"
        connection.ensure_connection()
        source = connection.connection
        with sqlite3.connect(folder / name) as target:
            source.backup(target)  # SQLite's online backup: consistent while others write
        return name
    if engine == "postgresql":
        name = "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={folder / name}"])
        return name
    raise BackupRefused(f"Backing up a {engine} database is not supported.")


def _load_database(folder: Path, manifest: dict[str, Any]) -> None:
    source = folder / manifest["database"]
    if connection.vendor == "sqlite":
        connections.close_all()
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        with sqlite3.connect(source) as backup_copy:
            backup_copy.backup(target)
        target.close()
        return
    connections.close_all()
    _run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", str(source)])


def _run(command: list[str]) -> None:
    """pg_dump or pg_restore on the configured database, its password never on the
    command line (where `ps` shows it)."""
    database = settings.DATABASES["default"]
    env = {
        "PGHOST": str(database.get("HOST") or ""),
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": str(database.get("USER") or ""),
        "PGPASSWORD": str(database.get("PASSWORD") or ""),
        "PGDATABASE": str(database["NAME"]),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    if shutil.which(command[0], path=env["PATH"]) is None:
        raise BackupRefused(f"{command[0]} is needed (Debian: apt-get install postgresql-client).")
    done = subprocess.run(  # noqa: S603 - our own command line
        [*command, f"--dbname={env['PGDATABASE']}"],
        env={k: v for k, v in env.items() if v},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupRefused(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


_references: list[Callable[[], Iterable[tuple[str, str]]]] = []


def register_references(listed: Callable[[], Iterable[tuple[str, str]]]) -> None:
    """An app's files that rows refer to, as (area alias, name), for the `gone` check
    (from its AppConfig.ready(): core never imports the apps)."""
    _references.append(listed)


def _gone(files: dict[str, dict[str, Any]]) -> list[str]:
    """Files rows refer to (read after copying) that were not there to copy."""
    return sorted(
        f"{alias}/{name}"
        for listed in _references
        for alias, name in listed()
        if name not in files.get(alias, {})
    )
