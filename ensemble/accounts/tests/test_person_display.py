"""Wherever a member acts, the @username stands beside the display name (issue 15, item 7).

A display name from before the look-alike rule may still copy another's; the username
cannot, so comments, notifications and their email subjects show both.
"""

from django.core import mail
from django.template import Context, Template

from ensemble.accounts.testing import make_user
from ensemble.community.services import comments
from ensemble.lineage.testing import bare_record
from ensemble.notifications.models import Notification


def _render(source, **context):
    return Template("{% load people %}" + source).render(Context(context))


def test_the_person_tag_shows_name_handle_and_link_and_escapes(alice, carol):
    assert _render("{% person who %}", who=alice) == (
        '<a href="/@alice/">Alice Archer</a> <span class="person__handle muted">@alice</span>'
    )
    assert _render("{% person who %}", who=carol) == '<a href="/@carol/">@carol</a>'
    alice.display_name = "<b>Al</b>"
    assert "&lt;b&gt;Al&lt;/b&gt;" in _render("{% person who link=False %}", who=alice)
    assert _render("{{ who|with_handle }}", who=alice) == "&lt;b&gt;Al&lt;/b&gt; (@alice)"


def test_a_copied_name_is_told_apart_on_comments_notifications_and_email(client, alice, bob, tasks):
    # Taken before the rule existed: the same display name as Alice's.
    mallory = make_user("mallory", display_name="Alice Archer")
    record = bare_record(bob)
    comments.add(mallory, record, "Lovely! @bob")
    tasks()

    page = client.get(record.get_absolute_url()).content.decode()
    assert 'aria-label="Comment by Alice Archer (@mallory)"' in page
    assert (
        '<a href="/@mallory/">Alice Archer</a> <span class="person__handle muted">@mallory</span>'
        in page
    )
    note = Notification.objects.get(recipient=bob, kind="mentioned")
    assert note.text_plain == "Alice Archer (@mallory) mentioned you in a comment."
    (email,) = [m for m in mail.outbox if m.to == ["bob@example.org"]]
    assert "Alice Archer (@mallory) mentioned you" in email.subject


def test_a_frozen_credit_roll_person_shows_the_same_way():
    """A release keeps its credit roll as JSON: people are dicts there."""
    html = Template("{% load people %}{% person p %}|{{ p|with_handle }}").render(
        Context({"p": {"username": "milo", "name": "Milo <Brandt>", "user_id": 3}})
    )
    assert html == (
        '<a href="/@milo/">Milo &lt;Brandt&gt;</a> <span class="person__handle muted">@milo</span>'
        "|Milo &lt;Brandt&gt; (@milo)"
    )
