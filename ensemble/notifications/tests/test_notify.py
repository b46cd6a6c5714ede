"""`notify()` and the rules around it: preferences, the kinds registry, marking read.

The kinds used are the real ones accounts registers: `welcome` (on the site by default),
`token_created` and `password_changed` (by email by default).
"""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from ensemble.accounts.models import AccessToken
from ensemble.accounts.testing import make_user
from ensemble.notifications import kinds
from ensemble.notifications.kinds import Delivery, Kind
from ensemble.notifications.models import Notification, Preference
from ensemble.notifications.services import (
    delivery_for,
    mark_read,
    notify,
    notify_many,
    set_preferences,
)


def make_token(user, name="laptop"):
    secret = AccessToken.new_secret()
    return AccessToken.objects.create(
        user=user, name=name, digest=AccessToken.digest_of(secret), hint=secret[:8]
    )


def prefer(user, kind, delivery):
    Preference.objects.create(user=user, kind=kind, delivery=delivery)


def emails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


# notify()


@pytest.mark.django_db
def test_notify_creates_one_in_app_notification_saying_who_did_what(alice, bob):
    token = make_token(alice, "laptop")

    notification = notify(alice, "token_created", about=token, actor=bob)

    assert list(Notification.objects.all()) == [notification]
    notification.refresh_from_db()
    assert notification.recipient == alice
    assert notification.actor == bob
    assert notification.about == token
    assert not notification.is_read
    assert "“laptop”" in notification.text
    assert notification.link == "/settings/tokens/"


@pytest.mark.django_db
def test_on_site_kind_sends_no_email_by_default(alice, tasks):
    notify(alice, "welcome")
    tasks()

    assert Notification.objects.filter(recipient=alice, kind="welcome").count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_kind_sends_one_email_by_default(alice, tasks):
    notify(alice, "password_changed")
    tasks()

    assert len(emails_to(alice)) == 1


@pytest.mark.django_db
def test_kind_turned_off_creates_nothing_and_sends_nothing(alice, tasks):
    prefer(alice, "password_changed", Delivery.OFF)

    result = notify(alice, "password_changed")
    tasks()

    assert result is None
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_on_site_choice_for_an_email_kind_creates_the_notification_without_email(alice, tasks):
    prefer(alice, "password_changed", Delivery.IN_APP)

    notify(alice, "password_changed")
    tasks()

    assert Notification.objects.filter(recipient=alice).count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_choice_sends_one_email_with_the_text_and_the_link(alice, tasks):
    prefer(alice, "welcome", Delivery.EMAIL)

    notification = notify(alice, "welcome")
    assert mail.outbox == []  # after the commit, by the worker
    tasks()

    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == f"[Ensemble] {notification.text}"
    assert notification.text in message.body
    assert "http://testserver/settings/profile/" in message.body
    assert "http://testserver/settings/notifications/" in message.body
    assert "Hello alice," in message.body


@pytest.mark.django_db
def test_someone_elses_preference_does_not_apply(alice, bob, tasks):
    prefer(bob, "password_changed", Delivery.OFF)

    notify(alice, "password_changed")
    tasks()

    assert Notification.objects.filter(recipient=alice).count() == 1
    assert len(emails_to(alice)) == 1


@pytest.mark.django_db
def test_unknown_kind_raises_before_writing_anything(alice, bob, tasks):
    with pytest.raises(LookupError, match="'welcom'"):
        notify(alice, "welcom", actor=bob)
    # Checked first, even when nothing would be sent anyway.
    with pytest.raises(LookupError):
        notify(alice, "welcom", actor=alice)

    assert tasks() == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_nobody_is_notified_of_their_own_action(alice, tasks):
    prefer(alice, "welcome", Delivery.EMAIL)

    result = notify(alice, "welcome", actor=alice)
    tasks()

    assert result is None
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_member_without_an_email_address_is_notified_on_the_site_only(tasks):
    member = make_user("quiet", email="")

    notify(member, "password_changed")
    tasks()

    assert Notification.objects.filter(recipient=member).count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_rolled_back_action_leaves_no_notification_and_sends_no_email(alice, tasks):
    def failing_action():
        with transaction.atomic():
            notify(alice, "password_changed")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    tasks()

    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_notification_about_a_deleted_object_still_reads(alice):
    token = make_token(alice, "laptop")
    notification = notify(alice, "token_created", about=token)
    token.delete()

    notification = Notification.objects.get(pk=notification.pk)

    assert notification.about is None
    assert "“deleted”" in notification.text


# Preferences


@pytest.mark.django_db
def test_delivery_is_the_kinds_default_until_the_member_chooses(alice):
    assert delivery_for(alice, "welcome") == Delivery.IN_APP
    assert delivery_for(alice, "password_changed") == Delivery.EMAIL

    prefer(alice, "welcome", Delivery.OFF)

    assert delivery_for(alice, "welcome") == Delivery.OFF


@pytest.mark.django_db
def test_set_preferences_stores_only_choices_that_differ_from_the_default(alice):
    set_preferences(alice, {"welcome": Delivery.EMAIL, "password_changed": Delivery.EMAIL})

    stored = dict(Preference.objects.filter(user=alice).values_list("kind", "delivery"))
    assert stored == {"welcome": "email"}


@pytest.mark.django_db
def test_set_preferences_changes_an_existing_choice(alice):
    prefer(alice, "welcome", Delivery.EMAIL)

    set_preferences(alice, {"welcome": Delivery.OFF})

    assert Preference.objects.get(user=alice, kind="welcome").delivery == Delivery.OFF


@pytest.mark.django_db
def test_choosing_the_default_again_deletes_the_stored_choice(alice, bob):
    prefer(alice, "welcome", Delivery.EMAIL)
    prefer(bob, "welcome", Delivery.EMAIL)

    set_preferences(alice, {"welcome": Delivery.IN_APP})

    assert not Preference.objects.filter(user=alice).exists()
    assert Preference.objects.filter(user=bob).exists()


@pytest.mark.django_db
def test_set_preferences_with_an_unknown_kind_saves_nothing(alice):
    with pytest.raises(LookupError):
        set_preferences(alice, {"welcome": Delivery.EMAIL, "nope": Delivery.OFF})

    assert not Preference.objects.exists()


@pytest.mark.django_db
def test_a_member_has_one_stored_choice_per_kind(alice):
    prefer(alice, "welcome", Delivery.EMAIL)

    with pytest.raises(IntegrityError), transaction.atomic():
        prefer(alice, "welcome", Delivery.OFF)


# The kinds registry


def test_unknown_kind_lookup_names_the_kind():
    with pytest.raises(LookupError, match="'nope'"):
        kinds.get("nope")


def test_registering_a_different_kind_under_a_taken_key_is_refused():
    original = kinds.get("welcome")
    impostor = Kind(
        key="welcome",
        label="Something else",
        default=Delivery.OFF,
        describe=lambda n: "",
        link=lambda n: "/",
    )

    with pytest.raises(ValueError, match="registered twice"):
        kinds.register(impostor)

    assert kinds.get("welcome") is original


def test_registering_the_same_kind_again_is_harmless():
    original = kinds.get("welcome")

    assert kinds.register(original) is original
    assert kinds.get("welcome") is original


def test_all_kinds_are_listed_by_label():
    listed = kinds.all_kinds()

    assert {"welcome", "token_created", "password_changed"} <= {k.key for k in listed}
    assert [k.label for k in listed] == sorted(k.label for k in listed)


# Marking read


@pytest.fixture
def inbox(alice, bob):
    """Three unread notifications for alice, one for bob."""
    return {
        "alice": [notify(alice, "welcome") for _ in range(3)],
        "bob": [notify(bob, "welcome")],
    }


def unread_ids(user):
    return set(Notification.objects.for_user(user).unread().values_list("pk", flat=True))


@pytest.mark.django_db
def test_mark_read_with_ids_marks_only_those(alice, inbox):
    first, second, third = inbox["alice"]

    changed = mark_read(alice, [first.pk, third.pk])

    assert changed == 2
    assert unread_ids(alice) == {second.pk}


@pytest.mark.django_db
def test_mark_read_counts_only_what_changed(alice, inbox):
    first = inbox["alice"][0]
    mark_read(alice, [first.pk])
    read_at = Notification.objects.get(pk=first.pk).read_at

    assert mark_read(alice, [first.pk]) == 0
    assert Notification.objects.get(pk=first.pk).read_at == read_at


@pytest.mark.django_db
def test_mark_read_ignores_someone_elses_notification(alice, bob, inbox):
    [bobs] = inbox["bob"]

    assert mark_read(alice, [bobs.pk]) == 0
    assert unread_ids(bob) == {bobs.pk}


@pytest.mark.django_db
def test_mark_read_without_ids_marks_all_of_mine_and_nobody_elses(alice, bob, inbox):
    assert mark_read(alice) == 3

    assert unread_ids(alice) == set()
    assert len(unread_ids(bob)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", [0, -1, 2**63, 10**30])
def test_mark_read_ignores_ids_no_row_can_have(alice, inbox, bad_id):
    assert mark_read(alice, [bad_id]) == 0
    assert len(unread_ids(alice)) == 3


# notify_many()


@pytest.mark.django_db
def test_notify_many_follows_the_rules_of_notify_in_a_fixed_number_of_queries(
    alice, bob, carol, mod, tasks, django_assert_max_num_queries
):
    prefer(bob, "password_changed", Delivery.OFF)
    prefer(carol, "password_changed", Delivery.IN_APP)
    crowd = [make_user(f"fan{n}") for n in range(20)]
    with django_assert_max_num_queries(4):
        rows = notify_many([alice, bob, carol, mod, *crowd], "password_changed", actor=mod)
    assert {r.recipient_id for r in rows} == {alice.pk, carol.pk, *(u.pk for u in crowd)}
    tasks()
    assert len(emails_to(alice)) == 1
    assert emails_to(carol) == []  # on the site only, by her choice
    assert emails_to(bob) == []
    assert emails_to(mod) == []  # not told of their own action
    with pytest.raises(LookupError, match="no_such_kind"):
        notify_many([alice], "no_such_kind")
