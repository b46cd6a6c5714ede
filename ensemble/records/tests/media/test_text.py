"""The text processor: Markdown to sanitized HTML, a plain excerpt, a word count."""

import pytest

from ensemble.records.media import sniff
from ensemble.records.media.base import Limits, MediaError
from ensemble.records.media.processors import other, text


def process(tmp_path, data: bytes):
    src = tmp_path / "upload.txt"
    src.write_bytes(data)
    found = sniff.Detected("text", "markdown", "text/plain; charset=utf-8", "Text", ".md")
    return text.process(src, found, tmp_path, Limits(), lambda fraction: None)


def test_markdown_becomes_sanitized_html(tmp_path):
    body = (
        b"# Ode\n\nSome *soft* words.\n\n<script>alert('x')</script>\n\n[me](javascript:alert(1))"
    )
    result = process(tmp_path, body)
    assert result.kind == "text"
    assert "<h2>Ode</h2>" in result.html
    assert "<em>soft</em>" in result.html
    assert "<script" not in result.html
    assert 'href="javascript' not in result.html


def test_word_count_and_excerpt_leave_the_markdown_out(tmp_path):
    body = (
        "# The Sea\n\n"
        "A **bold** wave, an _idle_ shore; see [my notes](https://example.com/n).\n\n"
        "![a picture](https://example.com/p.png)\n\n"
        "```\ncode here\n```\n\n"
        "> quoted `line`\n- item\n"
    )
    result = process(tmp_path, body.encode())
    assert result.metadata["excerpt"] == (
        "The Sea A bold wave, an idle shore; see my notes. code here quoted line item"
    )
    assert result.metadata["word_count"] == 16


def test_a_long_excerpt_is_cut_at_a_word_with_an_ellipsis(tmp_path):
    body = " ".join(["wordy"] * 100)
    excerpt = process(tmp_path, body.encode()).metadata["excerpt"]
    assert len(excerpt) <= 280
    assert excerpt.endswith("wordy…")
    assert process(tmp_path, body.encode()).metadata["word_count"] == 100


def test_excerpt_helper_keeps_a_whole_last_word():
    assert text.excerpt("one two three", length=9) == "one two…"
    assert text.excerpt("short", length=9) == "short"


def test_a_byte_order_mark_is_dropped(tmp_path):
    result = process(tmp_path, b"\xef\xbb\xbfHello")
    assert result.metadata["excerpt"] == "Hello"
    assert "\ufeff" not in result.html


def test_invalid_utf8_anywhere_is_refused(tmp_path):
    with pytest.raises(MediaError) as caught:
        process(tmp_path, b"fine at first\n" * 1000 + b"caf\xe9\n")
    assert caught.value.message == "The text is not valid UTF-8."


@pytest.mark.parametrize("body", [b"", b"   \n\t\n", b"\xef\xbb\xbf \n"])
def test_empty_text_is_refused(tmp_path, body):
    with pytest.raises(MediaError) as caught:
        process(tmp_path, body)
    assert caught.value.message == "The text is empty."


def test_other_files_carry_only_their_label(tmp_path):
    src = tmp_path / "doc"
    src.write_bytes(b"%PDF-1.7\n")
    found = sniff.detect(src)
    result = other.process(src, found, tmp_path, Limits(), lambda fraction: None)
    assert (result.kind, result.metadata, result.renditions) == (
        "other",
        {"label": "PDF document"},
        [],
    )


@pytest.mark.parametrize(
    "body",
    [
        "-*a" * 66_667,  # 200 KB on one line: minutes with the old emphasis pattern
        "[" * 100_000,
        "*" * 200_000,
        "_a" * 100_000,
        "<a" * 100_000,
    ],
    ids=["dash-star-a", "brackets", "stars", "underscore-a", "tags"],
)
@pytest.mark.slow  # seconds of parsing on purpose
def test_adversarial_markup_is_processed_in_linear_time(tmp_path, body):
    """Shapes that made the old regular expressions backtrack quadratically.

    No timing is asserted: before the fix the first case ran for minutes, so the test
    run itself is the guard.
    """
    result = process(tmp_path, body.encode())
    assert len(result.metadata["excerpt"]) <= 280
    assert isinstance(result.metadata["word_count"], int)


def test_the_word_count_covers_the_whole_text_not_just_the_excerpt(tmp_path):
    body = "\n\n".join(f"Paragraph {n} has *five* words." for n in range(2_000))
    result = process(tmp_path, body.encode())
    assert result.metadata["word_count"] == 5 * 2_000
    assert result.metadata["excerpt"].startswith("Paragraph 0 has five words. Paragraph 1")


def test_emphasis_inside_a_word_and_raw_html_tags_are_left_out(tmp_path):
    result = process(tmp_path, b"A **bo**ld <b>claim</b> ~~gone~~ and `code`.")
    assert result.metadata["excerpt"] == "A bold claim gone and code."
    assert result.metadata["word_count"] == 6


def test_progress_is_reported_between_the_steps(tmp_path):
    src = tmp_path / "upload.md"
    src.write_bytes(b"Some words.")
    found = sniff.Detected("text", "markdown", "text/plain; charset=utf-8", "Text", ".md")
    calls: list[float] = []
    text.process(src, found, tmp_path, Limits(), calls.append)
    assert len(calls) >= 3
    assert calls == sorted(calls)
    assert calls[-1] == 1.0
