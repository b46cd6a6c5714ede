"""The session store and the member lookup every request makes, both in plain SQL
(accounts/sessions.py, backends.UsernameOrEmailBackend.get_user): the same answers as
Django's own, for a live session and for each way a session stops being one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from ensemble.accounts.backends import UsernameOrEmailBackend
from ensemble.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _who(client: Client) -> str:
    """The member the client's session signs in, or "" for none."""
    response = client.get("/api/v1/me")
    return response.json()["username"] if response.status_code == 200 else ""


def _is_member(client: Client) -> bool:
    return _who(client) != ""


def test_the_site_uses_this_store():
    assert settings.SESSION_ENGINE == "ensemble.accounts.sessions"


def test_a_live_session_signs_its_member_in(alice):
    client = _signed_in(alice)
    assert _who(client) == "alice"


def test_an_expired_session_is_no_session(alice):
    client = _signed_in(alice)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert not _is_member(client)


def test_an_unknown_or_forged_key_is_no_session(alice):
    client = _signed_in(alice)
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert not _is_member(client)
    client.cookies[settings.SESSION_COOKIE_NAME] = "' OR 1=1 --"
    assert not _is_member(client)
    assert SessionStore("' OR 1=1 --").load() == {}


def test_a_deleted_session_is_no_session(alice):
    client = _signed_in(alice)
    Session.objects.all().delete()
    assert not _is_member(client)


def test_a_missing_session_gets_a_new_key_when_saved():
    store = SessionStore("a" * 32)
    assert store.load() == {}
    assert store.session_key is None


def test_a_deactivated_member_is_signed_out(alice):
    client = _signed_in(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert not _is_member(client)


@pytest.mark.parametrize("user_id", [None, "", "abc", "1.5", "999999", -1])
def test_the_member_lookup_refuses_what_names_no_member(user_id):
    assert UsernameOrEmailBackend().get_user(user_id) is None


def test_the_member_lookup_gives_the_whole_row(alice):
    # Values each column type converts back from: times, a JSON list, booleans.
    alice.links = ["https://example.org/alice", "https://example.net/"]
    alice.email_verified_at = timezone.now() - dt.timedelta(days=3)
    alice.last_login = timezone.now()
    alice.save()
    found = UsernameOrEmailBackend().get_user(str(alice.pk))
    expected = type(alice)._default_manager.get(pk=alice.pk)
    assert found is not None
    assert not found._state.adding
    for field in type(alice)._meta.concrete_fields:
        got, want = getattr(found, field.attname), getattr(expected, field.attname)
        assert got == want, field.name
        assert type(got) is type(want), field.name
