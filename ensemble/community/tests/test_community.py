"""Hearts, follows, comments with mentions, and lists: the rules, refusals and privacy."""

from __future__ import annotations

import pytest

from ensemble.community.models import Comment, Follow, Heart
from ensemble.community.services import comments, follows, hearts, lists
from ensemble.core.refusals import Refused
from ensemble.lineage.testing import bare_record
from ensemble.notifications.models import Notification
from ensemble.projects.testing import make_call, make_project
from ensemble.records.models import Record

pytestmark = pytest.mark.django_db


def refused(code, fn, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_hearts_once_each_never_your_own_and_undo(alice, bob, carol):
    poem = bare_record(alice, kind="text", title="Turnip ode")
    assert hearts.heart(bob, poem) is True
    assert hearts.heart(bob, poem) is False  # a double heart changes nothing
    hearts.heart(carol, poem)
    refused("own_work", hearts.heart, alice, poem)
    poem.refresh_from_db()
    assert poem.heart_count == 2
    assert hearts.unheart(bob, poem) is True
    assert hearts.unheart(bob, poem) is False
    poem.refresh_from_db()
    assert poem.heart_count == 1
    assert Heart.objects.count() == 1


def test_no_hearts_on_drafts_or_what_you_cannot_see(alice, bob):
    draft = bare_record(alice, kind="image", public=False)
    refused("not_found", hearts.heart, bob, draft)
    refused("draft", hearts.heart, alice, draft)  # the owner sees it, but it is a draft
    assert Record.objects.get(pk=draft.pk).heart_count == 0


def test_follows_people_and_projects_once_never_yourself(alice, bob):
    assert follows.follow_person(bob, alice) is True
    assert follows.follow_person(bob, alice) is False
    refused("self", follows.follow_person, bob, bob)
    assert alice.notifications.filter(kind="new_follower").count() == 1
    draft = make_project(alice, title="Secret")
    draft.status = "draft"
    draft.save()
    refused("not_found", follows.follow_project, bob, draft)
    project = make_project(alice)
    assert follows.follow_project(bob, project) is True
    assert list(Follow.objects.filter(project=project).values_list("follower", flat=True)) == [
        bob.pk
    ]
    assert follows.unfollow(bob, person=alice) is True
    assert Follow.objects.count() == 1


def test_comments_mention_reply_edit_and_delete(alice, bob, carol, mod):
    poem = bare_record(alice, kind="text", title="Turnip ode")
    first = comments.add(bob, poem, "Lovely! @carol you must see this; @nobody too.")
    told = {n.recipient.username: n.kind for n in Notification.objects.all()}
    assert told == {"carol": "mentioned", "alice": "comment_on_yours"}
    answer = comments.add(alice, poem, "Thank you", reply_to=first)
    deeper = comments.add(carol, poem, "Agreed", reply_to=answer)
    assert deeper.reply_to_id == first.pk  # one level: answers join the thread
    assert bob.notifications.filter(kind="comment_reply").exists()
    refused("forbidden", comments.edit, first, by=carol, body="hijack")
    comments.edit(first, by=bob, body="Lovely, **really**.")
    first.refresh_from_db()
    assert "<strong>really</strong>" in first.body_html
    assert first.edited_at is not None
    stale = Comment.objects.get(pk=first.pk)  # an edit from another tab...
    comments.delete(first, by=bob)
    refused("gone", comments.edit, stale, by=bob, body="...after the deletion")
    first.refresh_from_db()
    assert (first.body, first.deleted_at is not None) == ("", True)
    thread, older = comments.thread_page(poem)
    assert older is None
    assert [len(t.answers) for t in thread] == [2]  # the replies keep their place


def test_bad_comments_and_comments_on_hidden_things_are_refused(alice, bob):
    poem = bare_record(alice, kind="text")
    for body in ("", "   ", "x" * 5_001, "bad \x07 bell"):
        with pytest.raises(Refused):
            comments.add(bob, poem, body)
    draft = bare_record(alice, kind="text", public=False)
    refused("not_found", comments.add, bob, draft, "Seen it")
    secret = make_project(alice, title="Secret")
    secret.status = "draft"
    secret.save()
    refused("not_found", comments.add, bob, secret, "Hello")
    refused("not_found", comments.add, bob, make_call(secret), "Hello")
    assert not Comment.objects.exists()


def test_a_mention_never_reaches_someone_who_cannot_see_it(alice, bob, carol):
    secret = make_project(alice, title="Secret")
    secret.status = "draft"
    secret.save()
    from ensemble.projects import services as projects

    projects.add_leader(secret, by=alice, user=bob)
    comments.add(bob, secret, "@carol look at this")
    assert not carol.notifications.filter(kind="mentioned").exists()


def test_lists_take_public_records_once_in_order(alice, bob):
    one, two = (
        bare_record(alice, kind="image", title="One"),
        bare_record(alice, kind="image", title="Two"),
    )
    draft = bare_record(alice, kind="image", public=False)
    favourites = lists.create(bob, title="Turnips I love")
    lists.add(favourites, by=bob, record=one, note="The first")
    lists.add(favourites, by=bob, record=two)
    refused("duplicate", lists.add, favourites, by=bob, record=one)
    refused("not_public", lists.add, favourites, by=bob, record=draft)
    refused("forbidden", lists.add, favourites, by=alice, record=two)
    lists.reorder(favourites, by=bob, record_ids=[two.pk, one.pk])
    assert [i.record.title for i in lists.visible_items(favourites)] == ["Two", "One"]
    with pytest.raises(Refused):
        lists.reorder(favourites, by=bob, record_ids=[two.pk])
    Record.objects.filter(pk=two.pk).update(visibility="draft", published_at=None)
    assert [i.record.title for i in lists.visible_items(favourites)] == ["One"]
    refused("invalid", lists.create, bob, title="")


def test_open_calls_are_suggested_for_a_published_record(alice, bob):
    from ensemble.community.services import suggest
    from ensemble.records import services as records

    project = make_project(bob, title="Turnip film")
    drawing_call = make_call(project, title="Draw the turnip man", accepted_kinds=["image"])
    make_call(project, title="Compose a score", accepted_kinds=["audio"])
    anything = make_call(project, title="Anything about clouds")
    sketch = bare_record(alice, kind="image", title="Sketch")
    records.update_record(sketch, by=alice, tags=["turnip"])
    assert suggest.calls_for(sketch) == [drawing_call, anything]  # the tag matches first
    designers = make_call(project, title="Posters", skills=["design"])
    assert suggest.calls_for(sketch) == [drawing_call, anything, designers]
    alice.set_skills(["design"])  # the owner's skill comes before an open-to-all call
    assert suggest.calls_for(sketch) == [drawing_call, designers, anything]
    draft = bare_record(alice, kind="image", public=False)
    assert suggest.calls_for(draft) == []


def test_mentions_link_to_profiles_but_not_in_code_or_links(alice, bob, carol):
    poem = bare_record(alice, kind="text", title="Turnip ode")
    made = comments.add(
        bob,
        poem,
        "Hi @Carol, see `@alice` and [@alice](https://example.org) and @nobody. Thanks @carol.",
    )
    link = f'<a href="{carol.get_absolute_url()}" class="mention">'
    assert f"{link}@Carol</a>," in made.body_html
    assert f"{link}@carol</a>." in made.body_html
    assert "<code>@alice</code>" in made.body_html
    assert 'href="https://example.org"' in made.body_html
    assert made.body_html.count('class="mention"') == 2
    assert "@nobody." in made.body_html
    edited = comments.edit(made, by=bob, body="Now @alice <script>alert(1)</script>")
    assert f'<a href="{alice.get_absolute_url()}" class="mention">@alice</a>' in edited.body_html
    assert "<script>" not in edited.body_html
