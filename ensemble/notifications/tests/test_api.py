"""GET /api/v1/notifications and POST /api/v1/notifications/read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ensemble.accounts.models import AccessToken
from ensemble.accounts.services import create_access_token
from ensemble.notifications.models import Notification
from ensemble.notifications.services import mark_read, notify

LIST = "/api/v1/notifications"
READ = "/api/v1/notifications/read"


def make_token(user, name):
    secret = AccessToken.new_secret()
    return AccessToken.objects.create(
        user=user, name=name, digest=AccessToken.digest_of(secret), hint=secret[:8]
    )


def about_token(user, name, actor=None):
    return notify(user, "token_created", about=make_token(user, name), actor=actor)


def item_ids(response):
    return [item["id"] for item in response.json()["items"]]


def read_ids(client, data):
    return client.post(READ, data, content_type="application/json")


def unread_ids(user):
    return set(Notification.objects.for_user(user).unread().values_list("pk", flat=True))


@pytest.fixture
def inbox(alice, bob):
    """Alice has three notifications, one of them read; bob has one."""
    mine = [notify(alice, "welcome"), about_token(alice, "laptop", actor=bob)]
    mine.append(notify(alice, "password_changed"))
    mark_read(alice, [mine[0].pk])
    return {"alice": mine, "bob": [notify(bob, "welcome")]}


@pytest.mark.django_db
def test_list_shows_only_my_notifications_newest_first_with_the_unread_count(alice_client, inbox):
    response = alice_client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert item_ids(response) == [n.pk for n in reversed(inbox["alice"])]
    assert body["unread_count"] == 2
    assert body["next_cursor"] is None


@pytest.mark.django_db
def test_list_item_says_what_happened_who_did_it_and_where_to_look(alice_client, inbox):
    token_notification = inbox["alice"][1]

    items = alice_client.get(LIST).json()["items"]

    [item] = [i for i in items if i["id"] == token_notification.pk]
    assert item == {
        "id": token_notification.pk,
        "kind": "token_created",
        "text": token_notification.text,
        "text_html": token_notification.text_html,
        "link": "/settings/tokens/",
        "actor": "bob",
        "created_at": item["created_at"],
        "read": False,
    }
    assert "“laptop”" in item["text"]
    assert [i["read"] for i in items] == [False, False, True]


@pytest.mark.django_db
def test_list_works_with_a_bearer_token(client, alice, inbox):
    secret = create_access_token(alice, "script").secret

    response = client.get(LIST, headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200
    assert response.json()["unread_count"] == 3  # plus the new token's own notification


@pytest.mark.django_db
def test_list_pages_by_cursor_without_repeats_while_new_ones_arrive(alice_client, alice):
    older = [notify(alice, "welcome") for _ in range(5)]

    first = alice_client.get(f"{LIST}?limit=2").json()
    notify(alice, "password_changed")  # arrives while the client reads on
    second = alice_client.get(f"{LIST}?limit=2&cursor={first['next_cursor']}").json()
    third = alice_client.get(f"{LIST}?limit=2&cursor={second['next_cursor']}").json()

    seen = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert seen == [n.pk for n in reversed(older)]
    assert third["next_cursor"] is None
    assert [page["unread_count"] for page in (first, second, third)] == [5, 6, 6]


@pytest.mark.django_db
def test_tampered_cursor_is_a_400_bad_cursor(alice_client, alice):
    for _ in range(3):
        notify(alice, "welcome")
    cursor = alice_client.get(f"{LIST}?limit=1").json()["next_cursor"]

    response = alice_client.get(f"{LIST}?cursor={cursor[:-3]}abc")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_cursor"


@pytest.mark.django_db
@pytest.mark.parametrize("limit", ["0", "-1", "101", "1000", "ten"])
def test_limit_outside_1_to_100_is_a_422(alice_client, limit):
    response = alice_client.get(f"{LIST}?limit={limit}")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"][0]["field"] == "limit"


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [1, 100])
def test_limit_of_1_and_100_are_accepted(alice_client, alice, limit):
    Notification.objects.bulk_create(
        Notification(recipient=alice, kind="welcome") for _ in range(101)
    )

    response = alice_client.get(f"{LIST}?limit={limit}")

    assert len(item_ids(response)) == limit


@pytest.mark.django_db
def test_list_costs_the_same_queries_for_1_or_20_notifications(alice_client, alice, bob):
    about_token(alice, "first", actor=bob)

    with CaptureQueriesContext(connection) as one:
        assert len(item_ids(alice_client.get(LIST))) == 1
    for n in range(19):
        if n % 2:
            notify(alice, "welcome")
        else:
            about_token(alice, f"token {n}", actor=bob)
    with CaptureQueriesContext(connection) as twenty:
        assert len(item_ids(alice_client.get(LIST))) == 20

    assert len(twenty) == len(one)


@pytest.mark.django_db
def test_list_shows_notifications_about_deleted_things(alice_client, alice):
    notification = about_token(alice, "laptop")
    AccessToken.objects.filter(user=alice).delete()

    response = alice_client.get(LIST)

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["id"] == notification.pk
    assert "“deleted”" in item["text"]


@pytest.mark.django_db
def test_reading_the_list_needs_credentials(client, inbox):
    response = client.get(LIST)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# Marking read


@pytest.mark.django_db
def test_read_with_ids_marks_only_those(alice_client, alice, inbox):
    _, token_notification, password_notification = inbox["alice"]

    response = read_ids(alice_client, {"ids": [token_notification.pk]})

    assert response.json() == {"marked": 1}
    assert unread_ids(alice) == {password_notification.pk}


@pytest.mark.django_db
def test_read_with_someone_elses_id_changes_nothing(alice_client, alice, bob, inbox):
    [bobs] = inbox["bob"]

    response = read_ids(alice_client, {"ids": [bobs.pk]})

    assert response.json() == {"marked": 0}
    assert unread_ids(bob) == {bobs.pk}
    assert len(unread_ids(alice)) == 2


@pytest.mark.django_db
def test_read_without_ids_marks_all_mine_and_nobody_elses(alice_client, alice, bob, inbox):
    response = read_ids(alice_client, {})

    assert response.json() == {"marked": 2}
    assert unread_ids(alice) == set()
    assert len(unread_ids(bob)) == 1


@pytest.mark.django_db
def test_read_with_an_empty_list_marks_nothing(alice_client, alice, inbox):
    response = read_ids(alice_client, {"ids": []})

    assert response.json() == {"marked": 0}
    assert len(unread_ids(alice)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", [0, -5, 2**63, 10**30])
def test_read_with_ids_no_row_can_have_is_refused_and_marks_nothing(
    alice_client, alice, inbox, bad_id
):
    response = read_ids(alice_client, {"ids": [bad_id]})

    assert response.status_code == 422  # an id out of range, like anywhere in the API
    assert response.json()["code"] == "invalid"
    assert len(unread_ids(alice)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"ids": "all"}, id="not-a-list"),
        pytest.param({"ids": ["one"]}, id="not-numbers"),
        pytest.param({"ids": list(range(1, 502))}, id="too-many"),
    ],
)
def test_bad_ids_are_a_422_and_change_nothing(alice_client, alice, inbox, data):
    response = read_ids(alice_client, data)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert len(unread_ids(alice)) == 2


@pytest.mark.django_db
def test_marking_read_needs_credentials(client, alice, inbox):
    response = read_ids(client, {})

    assert response.status_code == 401
    assert len(unread_ids(alice)) == 2
