"""Member-written Markdown renders, and nothing dangerous survives."""

import re

from ensemble.core.markdown import render_markdown


def test_markdown_renders_emphasis_lists_and_links():
    html = render_markdown("I draw **turnips**.\n\n- ink\n- [site](https://example.org)")
    assert "<strong>turnips</strong>" in html
    assert "<li>ink</li>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_raw_html_and_scripts_are_not_rendered():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(2)">')
    assert "<script" not in html
    assert "<img" not in html
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", html)  # no live event handler


def test_javascript_and_data_links_lose_their_target():
    for url in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,hi", "vbscript:x"]:
        html = render_markdown(f"[click]({url})")
        assert "<a" not in html  # left as plain text, never a live link
        html = render_markdown(f'<a href="{url}">click</a>')
        assert "<a" not in html


def test_headings_start_below_the_page_title():
    assert "<h2>Title</h2>" in render_markdown("# Title")


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
