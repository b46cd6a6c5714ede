"""The notification pages: /notifications/ (list, mark read) and /settings/notifications/."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from ensemble.accounts.models import AccessToken
from ensemble.notifications import kinds
from ensemble.notifications.kinds import Delivery
from ensemble.notifications.models import Notification, Preference
from ensemble.notifications.services import mark_read, notify

LIST = "/notifications/"
READ = "/notifications/read/"
SETTINGS = "/settings/notifications/"


def about_token(user, name, actor=None):
    secret = AccessToken.new_secret()
    token = AccessToken.objects.create(
        user=user, name=name, digest=AccessToken.digest_of(secret), hint=secret[:8]
    )
    return notify(user, "token_created", about=token, actor=actor)


def unread_ids(user):
    return set(Notification.objects.for_user(user).unread().values_list("pk", flat=True))


def badge(html):
    """The unread count in the header, or None when there is no badge."""
    match = re.search(
        r'<span class="badge">(\d+)<span class="visually-hidden"> unread</span>', html
    )
    return None if match is None else int(match[1])


@pytest.fixture
def inbox(alice, bob):
    """Alice: a read welcome, a token notification by bob, a password change. Bob: one."""
    mine = [notify(alice, "welcome"), about_token(alice, "laptop", actor=bob)]
    mine.append(notify(alice, "password_changed"))
    mark_read(alice, [mine[0].pk])
    return {"alice": mine, "bob": [notify(bob, "password_changed")]}


# Access


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), [("get", LIST), ("post", READ), ("get", SETTINGS)])
def test_pages_send_visitors_to_sign_in(client, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.django_db
def test_visitor_cannot_mark_anything_read(client, alice, inbox):
    client.post(READ)

    assert len(unread_ids(alice)) == 2


# The list


@pytest.mark.django_db
def test_list_shows_my_notifications_newest_first(alice_client, inbox):
    html = alice_client.get(LIST).content.decode()

    newest, middle, oldest = (html.index(n.text) for n in reversed(inbox["alice"]))
    assert newest < middle < oldest
    assert "“laptop”" in html
    assert 'href="/settings/tokens/"' in html


@pytest.mark.django_db
def test_list_does_not_show_other_members_notifications(alice_client, bob):
    about_token(bob, "bobs secret script")

    html = alice_client.get(LIST).content.decode()

    assert "bobs secret script" not in html
    assert "Nothing yet." in html


@pytest.mark.django_db
def test_unread_notifications_are_marked_for_screen_readers_and_have_a_button(alice_client, inbox):
    html = alice_client.get(LIST).content.decode()

    assert html.count("Unread: ") == 2
    assert html.count('name="id"') == 2
    assert "Mark all as read" in html


@pytest.mark.django_db
def test_header_badge_shows_my_unread_count_on_every_page(alice_client, inbox):
    assert badge(alice_client.get(LIST).content.decode()) == 2
    assert badge(alice_client.get("/").content.decode()) == 2


@pytest.mark.django_db
def test_no_badge_and_no_mark_all_button_when_everything_is_read(alice_client, alice, inbox):
    mark_read(alice)

    html = alice_client.get(LIST).content.decode()

    assert badge(html) is None
    assert "Mark all as read" not in html


@pytest.mark.django_db
def test_list_costs_the_same_queries_for_1_or_20_notifications(alice_client, alice, bob):
    about_token(alice, "first", actor=bob)
    with CaptureQueriesContext(connection) as one:
        assert alice_client.get(LIST).content.decode().count('<li class="notification') == 1
    for n in range(19):
        if n % 2:
            notify(alice, "password_changed", actor=bob)
        else:
            about_token(alice, f"token {n}", actor=bob)

    with CaptureQueriesContext(connection) as twenty:
        assert alice_client.get(LIST).content.decode().count('<li class="notification') == 20

    assert len(twenty) == len(one), [q["sql"] for q in twenty.captured_queries]


@pytest.mark.django_db
def test_list_is_paged_by_30(alice_client, alice):
    Notification.objects.bulk_create(
        Notification(recipient=alice, kind="welcome") for _ in range(31)
    )

    first = alice_client.get(LIST).content.decode()
    second = alice_client.get(f"{LIST}?page=2").content.decode()

    assert first.count('<li class="notification') == 30
    assert "Page 1 of 2" in first
    assert second.count('<li class="notification') == 1


# Marking read


@pytest.mark.django_db
def test_mark_one_read_leaves_the_others_unread(alice_client, alice, inbox):
    _, token_notification, password_notification = inbox["alice"]

    response = alice_client.post(READ, {"id": token_notification.pk})

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert unread_ids(alice) == {password_notification.pk}


@pytest.mark.django_db
def test_mark_all_read_marks_mine_and_says_how_many(alice_client, alice, bob, inbox):
    response = alice_client.post(READ)

    assert response.status_code == 302
    assert unread_ids(alice) == set()
    assert len(unread_ids(bob)) == 1
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Marked 2 notification(s) as read."
    ]


@pytest.mark.django_db
def test_marking_read_by_get_is_refused(alice_client, alice, inbox):
    response = alice_client.get(READ, {"id": inbox["alice"][1].pk})

    assert response.status_code == 405
    assert len(unread_ids(alice)) == 2


@pytest.mark.django_db
def test_marking_someone_elses_notification_changes_nothing(alice_client, bob, inbox):
    [bobs] = inbox["bob"]

    alice_client.post(READ, {"id": bobs.pk})

    assert unread_ids(bob) == {bobs.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", ["abc", "²", "-1", "1.5", "9" * 30])
def test_marking_a_nonsense_id_changes_nothing(alice_client, alice, inbox, bad_id):
    response = alice_client.post(READ, {"id": bad_id})

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert len(unread_ids(alice)) == 2


# Settings


def choices(**chosen):
    """A full form submission: every kind at its default unless chosen otherwise."""
    return {kind.key: chosen.get(kind.key, kind.default.value) for kind in kinds.all_kinds()}


def stored(user):
    return dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))


@pytest.mark.django_db
def test_settings_page_offers_every_kind_with_my_current_choice(alice_client, alice):
    Preference.objects.create(user=alice, kind="welcome", delivery=Delivery.OFF)

    html = alice_client.get(SETTINGS).content.decode()

    for kind in kinds.all_kinds():
        assert f"<legend>{escape(kind.label)}</legend>" in html
    checked = dict(re.findall(r'name="(\w+)" value="(\w+)"[^>]*checked', html))
    assert checked == {k.key: k.default.value for k in kinds.all_kinds()} | {"welcome": "off"}


@pytest.mark.django_db
def test_settings_save_a_choice_per_kind(alice_client, alice):
    response = alice_client.post(
        SETTINGS, choices(welcome="email", password_changed="in_app", token_created="off")
    )

    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    assert stored(alice) == {
        "welcome": "email",
        "password_changed": "in_app",
        "token_created": "off",
    }


@pytest.mark.django_db
def test_saved_settings_decide_what_notify_does(alice_client, alice):
    alice_client.post(SETTINGS, choices(password_changed="off"))

    assert notify(alice, "password_changed") is None


@pytest.mark.django_db
def test_choosing_the_default_deletes_the_stored_choice(alice_client, alice, bob):
    Preference.objects.create(user=alice, kind="welcome", delivery=Delivery.EMAIL)
    Preference.objects.create(user=bob, kind="welcome", delivery=Delivery.EMAIL)

    alice_client.post(SETTINGS, choices(welcome="in_app"))

    assert stored(alice) == {}
    assert stored(bob) == {"welcome": "email"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(choices(welcome="carrier_pigeon", password_changed="off"), id="bad-value"),
        pytest.param({"password_changed": "off"}, id="kinds-missing"),
        pytest.param({}, id="empty"),
    ],
)
def test_invalid_settings_are_refused_with_nothing_saved(alice_client, alice, data):
    Preference.objects.create(user=alice, kind="token_created", delivery=Delivery.IN_APP)

    response = alice_client.post(SETTINGS, data)

    assert response.status_code == 200
    assert 'class="field field--error"' in response.content.decode()
    assert stored(alice) == {"token_created": "in_app"}


def test_a_notification_of_a_retired_kind_still_lists(alice_client, alice):
    from ensemble.notifications.models import Notification

    Notification.objects.create(recipient=alice, kind="kind_removed_long_ago")
    response = alice_client.get("/notifications/")
    assert response.status_code == 200
    assert "no longer describes" in response.content.decode()


def test_a_notification_about_a_removed_apps_object_still_lists(alice_client, alice):
    from django.contrib.contenttypes.models import ContentType

    from ensemble.notifications.models import Notification

    gone = ContentType.objects.create(app_label="gone", model="thing")
    Notification.objects.create(recipient=alice, kind="token_created", about_type=gone, about_id=7)
    assert alice_client.get("/notifications/").status_code == 200
    api = alice_client.get("/api/v1/notifications")
    assert api.status_code == 200
    assert "deleted" in api.json()["items"][0]["text"]
