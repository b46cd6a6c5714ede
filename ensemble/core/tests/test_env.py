"""Configuration from the environment: defaults work, bad values stop the start-up."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from ensemble.core import env


def test_booleans_accept_the_usual_words(monkeypatch):
    for word, expected in [("true", True), ("YES", True), ("1", True), ("off", False), ("", False)]:
        monkeypatch.setenv("FLAG", word)
        assert env.env_bool("FLAG", default=not expected) is expected


def test_a_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env.env_bool("DEBUG", False)


def test_a_bad_integer_names_the_variable(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="PORT='eighty' is not a whole number"):
        env.env_int("PORT", 8000)
    monkeypatch.setenv("PORT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("PORT", 8000, minimum=1)


def test_sqlite_url_is_relative_to_the_project_and_tuned(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/x.sqlite3")
    db = env.database_from_url("DATABASE_URL", "", base_dir=tmp_path)
    assert db["NAME"] == str(tmp_path / "var/x.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/ensemble.sqlite3")
    assert env.database_from_url("DATABASE_URL", "", base_dir=tmp_path)["NAME"] == (
        "/srv/ensemble.sqlite3"
    )


def test_postgres_url_is_parsed(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://ens:p%40ss@db.internal:6543/ensemble")
    db = env.database_from_url("DATABASE_URL", "", base_dir=tmp_path)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "ens",
        "p@ss",
        "db.internal",
        "6543",
        "ensemble",
    )


@pytest.mark.parametrize(
    "url", ["mysql://x@y/z", "postgres://host/", "sqlite://", "postgres://h:notaport/db"]
)
def test_unusable_database_urls_are_refused(monkeypatch, tmp_path, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.database_from_url("DATABASE_URL", "", base_dir=tmp_path)


def test_smtp_url_becomes_a_mailer(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://me:se%2Fcret@mail.example.org:587?starttls=true")
    mailer = env.mailer_from_url("EMAIL_URL", "console://")
    assert mailer["BACKEND"].endswith("smtp.EmailBackend")
    options = mailer["OPTIONS"]
    assert (options["host"], options["port"]) == ("mail.example.org", 587)
    assert (options["username"], options["password"]) == ("me", "se/cret")
    assert (options["use_tls"], options["use_ssl"]) == (True, False)


def test_smtps_url_uses_implicit_tls_on_465(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtps://mail.example.org")
    options = env.mailer_from_url("EMAIL_URL", "console://")["OPTIONS"]
    assert (options["port"], options["use_ssl"], options["use_tls"]) == (465, True, False)


@pytest.mark.parametrize("url", ["smtp://", "sendmail://x", "smtp://host:port"])
def test_unusable_email_urls_are_refused(monkeypatch, url):
    monkeypatch.setenv("EMAIL_URL", url)
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.mailer_from_url("EMAIL_URL", "console://")


@pytest.mark.parametrize(
    "url", ["ensemble.example.org", "ftp://x.org", "https://x.org/path", "https://"]
)
def test_site_url_must_be_a_bare_http_origin(monkeypatch, url):
    monkeypatch.setenv("SITE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        env.site_url("SITE_URL", "http://127.0.0.1:8000")


def _settings_import(**environ: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **environ}
    return subprocess.run(
        [sys.executable, "-c", "import ensemble.settings"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow  # starts Python to import the settings afresh
def test_production_refuses_the_development_secret_key():
    result = _settings_import(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is the development default" in result.stderr


@pytest.mark.slow  # starts Python to import the settings afresh
def test_development_starts_with_the_default_key_and_production_with_a_real_one():
    assert _settings_import(DEBUG="true").returncode == 0
    assert _settings_import(DEBUG="false", SECRET_KEY="x" * 50).returncode == 0


def _work_slots(**environ: str) -> int:
    clean = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DEBUG": "true", **environ}
    code = "from ensemble import settings; print(settings.WEB_WORK_SLOTS)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


@pytest.mark.slow  # starts Python to import the settings afresh
def test_work_slots_are_on_with_postgresql_and_off_with_sqlite(tmp_path):
    # core/workslots.py: measured to halve PostgreSQL's tails, and to cost SQLite rate.
    postgres = "postgres://ensemble@127.0.0.1:5432/ensemble"
    assert _work_slots(DATABASE_URL=postgres) == 4
    assert _work_slots(DATABASE_URL=f"sqlite:///{tmp_path}/site.sqlite3") == 0
    assert _work_slots(DATABASE_URL=f"sqlite:///{tmp_path}/site.sqlite3", WEB_WORK_SLOTS="2") == 2
    assert _work_slots(DATABASE_URL=postgres, WEB_WORK_SLOTS="0") == 0


@pytest.mark.slow  # starts Python to import the settings afresh
def test_a_short_secret_key_is_refused():
    result = _settings_import(DEBUG="false", SECRET_KEY="short")
    assert "at least 32 characters" in result.stderr


def test_the_sqlite_folder_is_created_on_a_fresh_clone(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/new/db.sqlite3")
    env.database_from_url("DATABASE_URL", "", base_dir=tmp_path)
    assert (tmp_path / "var/new").is_dir()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1024", 1024),
        ("200K", 200 * 1024),
        ("500M", 500 * 1024**2),
        ("4G", 4 * 1024**3),
        ("1.5g", int(1.5 * 1024**3)),
        ("50MB", 50 * 1024**2),
        ("2GiB", 2 * 1024**3),
    ],
)
def test_sizes_take_binary_units(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_SIZE", raw)
    assert env.env_size("SOME_SIZE", 1) == expected


@pytest.mark.parametrize("raw", ["lots", "", "5X", "0", "-1M"])
def test_a_bad_size_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("SOME_SIZE", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_SIZE"):
        env.env_size("SOME_SIZE", 1)
