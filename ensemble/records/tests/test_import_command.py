"""`manage.py import FOLDER --user NAME`: a folder of files becomes draft records.

Each file passes the same checks as a web upload; refused ones are listed with the reason.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ensemble.core.testing import image_bytes
from ensemble.records.models import Record, Version
from ensemble.records.tests.helpers import stored_files
from ensemble.records.tests.samples.av import write_audio

POEM = "# Low tide\n\nThe sea *keeps* what it is given,\nand gives back **stones**.\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'
SCRIPT = "#!/bin/sh\nrm -rf ~\n"


@pytest.fixture
def records_root(settings):
    """This test's own record folder (conftest.py gives each test one)."""
    return settings.RECORDS_ROOT


@pytest.fixture
def folder(tmp_path) -> Path:
    """Something of everything: three good files, a good one in a subfolder, three bad
    ones, and what must never be read (hidden files, a link out of the folder)."""
    root = tmp_path / "portfolio"
    root.mkdir()
    (root / "harbour.png").write_bytes(image_bytes())
    (root / "low_tide.txt").write_text(POEM)
    write_audio(root / "tone.wav", seconds=0.5)
    (root / "empty.png").write_bytes(b"")
    (root / "drawing.svg").write_text(SVG)
    (root / "tidy.sh").write_text(SCRIPT)
    (root / ".hidden.png").write_bytes(image_bytes())
    (root / ".git").mkdir()
    (root / ".git" / "inside.png").write_bytes(image_bytes())
    (root / "sketches").mkdir()
    (root / "sketches" / "boat.png").write_bytes(image_bytes(color="navy"))
    outside = tmp_path / "private.png"
    outside.write_bytes(image_bytes(color="green"))
    (root / "linked.png").symlink_to(outside)
    return root


def run_import(folder, **options) -> str:
    out = StringIO()
    call_command("import", str(folder), stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_good_files_become_draft_records_of_the_member(folder, alice):
    run_import(folder, user="alice")

    records = {r.title: r for r in Record.objects.all()}
    assert sorted(records) == ["boat", "harbour", "low tide", "tone"]
    assert {title: r.kind for title, r in records.items()} == {
        "boat": "image",
        "harbour": "image",
        "low tide": "text",
        "tone": "audio",
    }
    assert all(r.owner == alice for r in records.values())
    assert all(r.visibility == "draft" for r in records.values())
    assert sorted(Version.objects.values_list("original_name", flat=True)) == [
        "boat.png",
        "harbour.png",
        "low_tide.txt",
        "tone.wav",
    ]


@pytest.mark.django_db
def test_hidden_files_and_links_out_of_the_folder_are_not_read(folder, alice):
    output = run_import(folder, user="alice")

    assert not Record.objects.filter(title__in=["hidden", "inside", "linked"]).exists()
    assert ".hidden" not in output
    assert "inside.png" not in output
    assert "linked" not in output


@pytest.mark.django_db
def test_output_lists_each_refused_file_with_its_reason(folder, alice):
    output = run_import(folder, user="alice")

    assert "Imported 4 of 7 files as drafts of @alice." in output
    assert "Refused 3:" in output
    refused = {
        line.strip().split(":", 1)[0]: line.split(":", 1)[1].strip()
        for line in output.splitlines()
        if line.startswith("  ")
    }
    assert set(refused) == {"empty.png", "drawing.svg", "tidy.sh"}
    assert refused["empty.png"] == "The file is empty."
    assert "SVG" in refused["drawing.svg"]
    assert "Scripts are not accepted" in refused["tidy.sh"]


@pytest.mark.django_db
def test_output_shows_a_progress_bar(folder, alice):
    output = run_import(folder, user="alice")

    bars = [line for line in output.splitlines() if line.startswith("[")]
    assert len(bars) == 7
    assert all(re.fullmatch(r"\[[#.]{30}\] \d/7 \S+", bar) for bar in bars), bars
    assert [bar.split()[1] for bar in bars] == [f"{n}/7" for n in range(1, 8)]
    assert bars[-1].startswith("[" + "#" * 30 + "] 7/7 ")


@pytest.mark.django_db
def test_refused_files_leave_nothing_on_disk(folder, alice, records_root):
    run_import(folder, user="alice")

    kept = {path.parent for path in stored_files() if path.name.startswith("original")}
    assert len(kept) == Version.objects.count() == 4


@pytest.mark.django_db
def test_imported_records_are_ready_after_processing(folder, alice, tasks):
    run_import(folder, user="alice")

    tasks()

    assert set(Version.objects.values_list("state", flat=True)) == {"ready"}
    for record in Record.objects.all():
        assert record.current_version is not None, record.title
        assert record.current_version.is_ready


@pytest.mark.django_db
def test_tags_and_licence_apply_to_every_record(folder, alice):
    run_import(folder, user="alice", tags="Sea, archive", licence="cc-by-4.0")

    for record in Record.objects.all():
        assert record.licence == "cc-by-4.0"
        assert sorted(t.name for t in record.tags.all()) == ["archive", "sea"]


@pytest.mark.django_db
def test_unknown_member_is_a_command_error(folder, alice):
    with pytest.raises(CommandError, match="nobody"):
        run_import(folder, user="nobody")

    assert not Record.objects.exists()


@pytest.mark.django_db
def test_a_file_instead_of_a_folder_is_a_command_error(folder, alice):
    with pytest.raises(CommandError, match="not a folder"):
        run_import(folder / "harbour.png", user="alice")

    assert not Record.objects.exists()


@pytest.mark.django_db
def test_a_missing_folder_is_a_command_error(tmp_path, alice):
    with pytest.raises(CommandError, match="not a folder"):
        run_import(tmp_path / "nowhere", user="alice")


@pytest.mark.django_db
def test_an_empty_folder_is_a_command_error(tmp_path, alice):
    (tmp_path / "empty").mkdir()

    with pytest.raises(CommandError, match="no files"):
        run_import(tmp_path / "empty", user="alice")
