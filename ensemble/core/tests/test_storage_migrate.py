"""`ensemble storage migrate`: a site's files to a real S3 server and back, resumably,
checked, and refused with a reason when it cannot be done."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ensemble.core import filestore
from ensemble.core.s3server import with_prefix
from ensemble.core.storage_url import storages_from_url
from ensemble.records.present import media_for
from ensemble.records.testing import make_record, served

pytestmark = pytest.mark.django_db


def migrate(to: str) -> str:
    out = StringIO()
    call_command("storage", "migrate", "--to", to, stdout=out)
    return out.getvalue()


def use_bucket(settings, url: str) -> None:
    settings.STORAGE_URL = url
    settings.STORAGES = {
        **settings.STORAGES,
        **storages_from_url("STORAGE_URL", url, roots={}, media_url=settings.MEDIA_URL),
    }


def use_local(settings) -> None:
    settings.STORAGE_URL = ""
    roots = {"records": settings.RECORDS_ROOT, "exports": settings.EXPORTS_ROOT}
    settings.STORAGES = {
        **settings.STORAGES,
        **storages_from_url("STORAGE_URL", "", roots=roots, media_url=settings.MEDIA_URL),
    }


@pytest.fixture
def local_site(settings, alice):
    """A site on local folders: a published photo and an avatar."""
    use_local(settings)  # also in a run that keeps every file in S3
    record = make_record(alice, publish=True)
    avatar = Path(settings.MEDIA_ROOT) / "avatars" / "a1.webp"
    avatar.parent.mkdir(parents=True)
    avatar.write_bytes(b"RIFF-an-avatar")
    return record


def test_a_site_moves_to_a_bucket_and_back_with_every_byte(
    local_site, settings, s3_url, client, request
):
    record = local_site
    before = {
        name: filestore.records.local_path(name).read_bytes() for name in filestore.records.names()
    }
    url = with_prefix(s3_url, f"migrate-{request.node.name[-20:]}")

    said = migrate(url)
    assert f"{len(before) + 1} files; 0 already there; copying {len(before) + 1}" in said
    assert "Checked: all" in said

    use_bucket(settings, url)  # the operator switches STORAGE_URL and restarts
    assert sorted(filestore.records.names()) == sorted(before)
    answer = served(client, media_for(record.current_version, record, None).image)
    assert answer.status_code == 200
    assert answer.redirect is not None  # from the bucket now
    assert filestore.media.open("avatars/a1.webp").read() == b"RIFF-an-avatar"

    # Back to local folders, emptied meanwhile.
    records_root = Path(settings.RECORDS_ROOT)
    for path in records_root.rglob("*"):
        if path.is_file():
            path.unlink()
    said = migrate("local")
    assert "Checked: all" in said
    assert {name: (records_root / name).read_bytes() for name in before} == before


def test_it_resumes_sending_only_what_is_missing_or_cut_short(
    local_site, settings, s3_url, tmp_path
):
    url = with_prefix(s3_url, "resume")
    migrate(url)
    use_bucket(settings, url)
    names = filestore.records.names()
    filestore.records.remove(names[0])  # never arrived
    short = tmp_path / "short"
    short.write_bytes(b"cut")
    filestore.records.keep(short, names[1])  # cut short by an interruption
    use_local(settings)  # back to the folders, which the migration reads

    said = migrate(url)
    assert f"{len(names) + 1 - 2} already there; copying 2" in said
    assert "Checked: all" in said
    assert "copying 0" in migrate(url)  # nothing left to send


@pytest.mark.parametrize(
    ("to", "says"),
    [
        ("local", "in local folders already"),
        ("ftp://bucket", "must start with s3://"),
        ("s3://x", "names no bucket"),
        ("s3://ensemble-test?endpoint=http://127.0.0.1:9", "cannot be written to"),
    ],
)
def test_a_migration_that_cannot_be_done_says_why_and_copies_nothing(local_site, to, says):
    with pytest.raises(CommandError, match="Nothing was copied") as refused:
        migrate(to)
    assert says in str(refused.value)


def test_the_bucket_the_site_uses_already_is_refused(settings, s3_storage):
    with pytest.raises(CommandError, match="where the files are already"):
        migrate(settings.STORAGE_URL)
