"""bench/report.py: the page's sections, the machine line, tables and figures."""

import report
from report import Page, machine_line, ms, ratio_text, table, verdict, write_section

PAGE = """# Benchmarks

Prose people wrote.

<!-- bench:a:start -->
old a
<!-- bench:a:end -->

More prose.

<!-- bench:b:start -->
old b
<!-- bench:b:end -->
"""


def test_a_section_is_rewritten_and_nothing_else(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(PAGE)
    write_section(doc, "a", "new a\n")
    assert doc.read_text() == PAGE.replace("old a", "new a")


def test_a_missing_section_is_appended_and_a_missing_page_made(tmp_path):
    doc = tmp_path / "benchmarks.md"
    write_section(doc, "c", "c\n")
    assert doc.read_text() == "# Benchmarks\n\n<!-- bench:c:start -->\nc\n<!-- bench:c:end -->\n"


def test_publishing_adds_the_skeleton_once_then_fills_its_section(tmp_path, capsys):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(PAGE)
    skeleton = "\n\n## C\n\n<!-- bench:c:start -->\n<!-- bench:c:end -->\n"
    page = Page("make bench-c", "bench/c.py", skeleton=skeleton, doc=doc, load_before=9.0)
    page.publish("c", "figures\n")
    page.publish("c", "figures again\n")
    text = doc.read_text()
    assert text.count("## C") == 1
    assert text.endswith("## C\n\n<!-- bench:c:start -->\nfigures again\n<!-- bench:c:end -->\n")
    assert f"Wrote the bench:c section of {doc}" in capsys.readouterr().out
    assert page.load_before != 9.0  # taken again for the next measurement


def test_a_run_that_does_not_write_prints_its_section(tmp_path, capsys):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(PAGE)
    Page("make bench-a", "bench/a.py", write=False, doc=doc).publish("a", "quick figures\n")
    assert doc.read_text() == PAGE
    assert "quick figures" in capsys.readouterr().out


def test_the_header_names_the_command(monkeypatch):
    monkeypatch.setattr("sys.argv", ["bench/a.py", "--db", "sqlite"])
    page = Page("make bench-a", "bench/a.py")
    written = "_Written by `make bench-a` (bench/a.py); edit the script, not this section._"
    assert page.header() == f"{written} Command: `.venv/bin/python bench/a.py --db sqlite`.\n\n"
    assert page.header("make a") == f"{written} Command: `make a`.\n\n"
    assert page.header("") == f"{written}\n\n"


def test_the_machine_line_says_what_ran_and_how_busy_the_machine_was(monkeypatch):
    monkeypatch.setattr(report, "today", lambda: "2026-12-01")
    monkeypatch.setattr(report, "cores", lambda: 2)
    monkeypatch.setattr(report, "cpu_model", lambda: "AMD EPYC")
    monkeypatch.setattr(report, "memory_total_gb", lambda: 24.0)
    monkeypatch.setattr(report, "python_version", lambda: "3.13.0")
    line = machine_line("SQLite 3.40.1", "Django 6.1", load_before=1.25)
    assert line == (
        "Measured 2026-12-01, 2 cores (AMD EPYC), 24 GB RAM, Python 3.13.0, SQLite 3.40.1, "
        "Django 6.1; load average 1.2 when the run started (the machine is shared: other "
        "work may have run at the same time)."
    )
    short = machine_line("SQLite", load_before=2.0, memory=False, after=" and 3.0 at the end")
    assert short == (
        "Measured 2026-12-01, 2 cores (AMD EPYC), Python 3.13.0, SQLite; load average 2.0 "
        "when the run started and 3.0 at the end."
    )


def test_a_table_aligns_its_columns_and_leaves_empty_cells_blank():
    assert table(("", "sqlite", "goal"), "lrl", [("wall", "1.0 s", ""), ("rss", 3, "met")]) == (
        "| | sqlite | goal |\n|---|---:|---|\n| wall | 1.0 s | |\n| rss | 3 | met |"
    )


def test_figures_read_as_people_compare_them():
    assert [ms(1.234), ms(12.34), ms(1234.5)] == ["1.23 ms", "12.3 ms", "1,234 ms"]
    assert [ratio_text(0.071), ratio_text(0.97), ratio_text(0)] == ["0.071 (≈ 1/14)", "0.97", "0"]
    assert [verdict(True), verdict(False)] == ["met", "**not met**"]
