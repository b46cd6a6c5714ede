"""Notifications quote Markdown (a project update's post): everywhere they are shown it is
rendered, never raw, and whatever a member wrote comes out harmless."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from ensemble.community.services import follows
from ensemble.notifications.kinds import Delivery
from ensemble.notifications.models import Notification, Preference
from ensemble.notifications.rendering import LONGEST, as_html, as_plain
from ensemble.notifications.tasks import email_notification
from ensemble.projects import services as projects
from ensemble.projects.testing import make_project

pytestmark = pytest.mark.django_db

FILM_OUT = (
    "**The film is out.** Thank you to everyone who drew, filmed, animated and played: "
    "the _credits_ name every one of you."
)
HOSTILE = (
    "<script>alert(1)</script> [click me](javascript:alert(2)) "
    '<a href="javascript:alert(3)">raw link</a> <img src=x onerror="alert(4)"> '
    "![pic](https://evil.example/x.png) [fine](https://example.org)"
)


def update_for(bob, alice, body) -> Notification:
    """Bob follows alice's project; she posts `body`; bob's notification of it."""
    project = make_project(alice, title="Turnip")
    follows.follow_project(bob, project)
    projects.post_update(project, by=alice, body=body)
    return Notification.objects.get(recipient=bob, kind="project_update")


def assert_harmless(html: str) -> None:
    """Only bare inline tags: no script, no image, no link, no attribute at all."""
    tags = re.findall(r"<([^>]*)>", html)
    assert set(tags) <= {"strong", "/strong", "em", "/em", "del", "/del", "code", "/code"}, tags


def html_part(message) -> str:
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    return str(html)


# The list page


def test_the_list_shows_markdown_rendered_with_no_asterisks(client, alice, bob):
    update_for(bob, alice, FILM_OUT)
    client.force_login(bob)

    html = client.get("/notifications/").content.decode()

    assert "<strong>The film is out.</strong>" in html
    assert "<em>credits</em>" in html
    assert "**" not in html
    assert "_credits_" not in html


def test_a_hostile_post_is_shown_sanitised(client, alice, bob):
    update_for(bob, alice, HOSTILE)
    client.force_login(bob)

    page = client.get("/notifications/").content.decode()
    item = re.search(r'<a class="notification__text"[^>]*>(.*?)</a>', page, re.S)[1]

    assert_harmless(item.replace('<span class="visually-hidden">Unread: </span>', ""))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in item  # shown as the words typed
    assert "fine" in item  # a link keeps its words: the item is a link already


def test_unread_items_are_labelled_for_screen_readers_and_read_ones_not(client, alice, bob):
    first = update_for(bob, alice, FILM_OUT)
    first.read_at = first.created_at
    first.save()
    projects.post_update(first.about.project, by=alice, body="**Second** news.")
    client.force_login(bob)

    html = client.get("/notifications/").content.decode()

    assert html.count('class="notification notification--unread"') == 1
    assert html.count('class="notification"') == 1
    assert html.count('<span class="visually-hidden">Unread: </span>') == 1


# The API


def test_the_api_keeps_the_markdown_and_adds_it_rendered(client, alice, bob):
    update_for(bob, alice, FILM_OUT)
    client.force_login(bob)

    [item] = client.get("/api/v1/notifications").json()["items"]

    assert item["text"] == f"News from “Turnip”: {FILM_OUT}"
    assert item["text_html"].startswith("News from “Turnip”: <strong>The film is out.</strong>")
    assert "**" not in item["text_html"]


def test_the_api_renders_a_hostile_post_harmless(client, alice, bob):
    update_for(bob, alice, HOSTILE)
    client.force_login(bob)

    [item] = client.get("/api/v1/notifications").json()["items"]

    assert_harmless(item["text_html"])
    assert "&lt;script&gt;" in item["text_html"]


# Email


def test_the_email_has_an_html_part_rendered_and_a_text_part_without_marks(alice, bob):
    Preference.objects.create(user=bob, kind="project_update", delivery=Delivery.EMAIL)
    notification = update_for(bob, alice, FILM_OUT)

    email_notification.call(notification.pk)

    [message] = mail.outbox
    assert "**" not in message.subject
    assert "The film is out. Thank you" in message.subject
    assert "**" not in message.body
    assert "_credits_" not in message.body
    assert "The film is out. Thank you to everyone" in message.body
    html = html_part(message)
    assert "<strong>The film is out.</strong>" in html
    assert 'href="http://testserver/projects/' in html


def test_a_hostile_post_is_emailed_harmless(alice, bob):
    Preference.objects.create(user=bob, kind="project_update", delivery=Delivery.EMAIL)
    notification = update_for(bob, alice, HOSTILE)

    email_notification.call(notification.pk)

    [message] = mail.outbox
    html = html_part(message)
    item = re.search(r'<a href="http://testserver/[^"]*">(.*?)</a>', html, re.S)[1]
    assert_harmless(item)
    assert not re.search(r"""<a\s[^>]*href=["']?javascript:""", html, re.I)
    assert "<script" not in html


def test_the_daily_digest_renders_markdown_too(alice, bob):
    from datetime import timedelta

    from django.utils import timezone

    from ensemble.notifications.digest import send_due

    Preference.objects.create(user=bob, kind="project_update", delivery=Delivery.DIGEST)
    update_for(bob, alice, FILM_OUT + " Fish & chips.")

    assert send_due(timezone.now() + timedelta(days=1, minutes=1)) == 1

    [message] = mail.outbox
    assert "**" not in message.body
    assert "Fish & chips." in message.body  # plain text, not HTML-escaped
    assert "<strong>The film is out.</strong>" in html_part(message)


# Long texts


def test_a_long_post_is_cut_after_rendering_so_no_mark_is_left_open():
    body = "News: " + "word " * 20 + "**bold and [a link](https://example.org) " + "x " * 400
    body += "end.**"

    html, plain = as_html(body), as_plain(body)

    for shown in (html, plain):
        assert "**" not in shown
        assert "](" not in shown
    assert html.count("<strong>") == html.count("</strong>") == 1
    assert len(plain) <= LONGEST
    assert html.endswith("…</strong>")


def test_titles_and_names_quoted_in_a_notification_show_as_typed(client, alice, bob):
    """A title is words, not Markdown: `*Draft*` keeps its stars, a link-shaped title
    stays text, and the plain form (subjects, text email) reads the same."""
    from ensemble.lineage.services import add_source
    from ensemble.records.testing import make_record

    source = make_record(alice, title="*Draft* [x](https://evil.example) <b>", publish=True)
    remix = make_record(bob, title="a_b_c & `d`", publish=True)
    add_source(remix, source, by=bob, note="the drawing")
    notification = Notification.objects.get(recipient=alice, kind="cited")

    assert "<em>" not in as_html(notification.text)
    assert "<a" not in as_html(notification.text)
    assert as_plain(notification.text) == (
        "@bob used “*Draft* [x](https://evil.example) <b>” in “a_b_c & `d`”."
    )
    client.force_login(alice)
    html = client.get("/notifications/").content.decode()
    assert "“*Draft* [x](https://evil.example) &lt;b&gt;”" in html
