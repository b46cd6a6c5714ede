"""The route matrix (issue 18): every route of the URL conf and every operation of the
API is declared in `declared.py`, and answers a visitor and a suspended member as
declared there, on a site with a thing of every kind (`site.py`)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ensemble.accounts.testing import make_user
from ensemble.moderation.models import AuditEntry
from tests.matrix import routes
from tests.matrix import site as matrix_site
from tests.matrix.declared import LOGIN, OPERATIONS, PAGES

pytestmark = pytest.mark.django_db
LOGIN_PAGE = "/accounts/login/"


def _difference(found: set[str], declared: set[str]) -> str:
    missing, stale = sorted(found - declared), sorted(declared - found)
    return f"not declared in tests/matrix/declared.py: {missing}; declared but gone: {stale}"


def test_every_page_route_is_declared():
    found = set(routes.pages())
    assert found == set(PAGES), _difference(found, set(PAGES))


def test_every_api_operation_is_declared():
    found = routes.operations()
    assert found == set(OPERATIONS), _difference(found, set(OPERATIONS))


@pytest.fixture
def site(alice, bob, carol, mod):
    return matrix_site.build(alice, bob, carol, mod)


def _answer(response: Any) -> int | str:
    """What a response says, in the table's terms."""
    if response.status_code == 302:
        where = response["Location"]
        return LOGIN if where.startswith(LOGIN_PAGE) else where
    return int(response.status_code)


def test_a_visitor_gets_what_each_route_declares(client, site):
    wrong = []
    for name, pattern in sorted(routes.pages().items()):
        url = routes.page_url(name, pattern, site.values)
        got = (_answer(client.get(url)), _answer(client.post(url)))
        declared = PAGES[name]
        if got != (declared.get, declared.post):
            wrong.append(f"{name} {url}: GET, POST gave {got}, declared {declared}")
    for operation in sorted(routes.operations()):
        method = operation.split(" ", 1)[0]
        url = routes.operation_url(operation, site.values)
        status = client.generic(method, url, "{}", content_type="application/json").status_code
        if status != OPERATIONS[operation].visitor:
            wrong.append(f"{operation}: {status}, declared {OPERATIONS[operation].visitor}")
    assert not wrong, "\n".join(wrong)


def _suspended() -> Any:
    member = make_user("suspended")
    member.suspended_until = timezone.now() + timedelta(days=3)
    member.suspension_reason = "Spam."
    member.save(update_fields=["suspended_until", "suspension_reason"])
    return member


def _refused(response: Any) -> bool:
    """Whether the suspension wall answered (not the view behind it)."""
    if response.status_code != 403:
        return False
    body = response.content.decode()
    return '"code": "suspended"' in body or "suspended until" in body


def test_a_suspended_member_writes_nothing_but_what_is_declared(site):
    member = _suspended()
    session = Client()
    session.force_login(member)
    wrong = []
    for name, pattern in sorted(routes.pages().items()):
        url = routes.page_url(name, pattern, site.values)
        session.force_login(member)  # signing out is one of the routes
        if _refused(session.post(url)) == PAGES[name].still:
            wrong.append(f"{name} {url}: refused={not PAGES[name].still} expected")
    for operation in sorted(routes.operations()):
        method = operation.split(" ", 1)[0]
        if method == "GET":
            continue
        url = routes.operation_url(operation, site.values)
        session.force_login(member)
        answer = session.generic(method, url, "{}", content_type="application/json")
        if _refused(answer) == OPERATIONS[operation].still:
            wrong.append(f"{operation}: refused={not OPERATIONS[operation].still} expected")
    assert not wrong, "\n".join(wrong)


def test_a_suspended_members_token_writes_nothing_either(site):
    from ensemble.accounts.services import create_access_token

    member = _suspended()
    member.email_verified_at = timezone.now()
    member.save(update_fields=["email_verified_at"])
    token = Client(HTTP_AUTHORIZATION=f"Bearer {create_access_token(member, 'script').secret}")
    wrong = []
    for operation in sorted(routes.operations()):
        method = operation.split(" ", 1)[0]
        if method == "GET" or OPERATIONS[operation].open:
            continue
        url = routes.operation_url(operation, site.values)
        answer = token.generic(method, url, "{}", content_type="application/json")
        if _refused(answer) == OPERATIONS[operation].still:
            wrong.append(f"{operation}: refused={not OPERATIONS[operation].still} expected")
    assert not wrong, "\n".join(wrong)


VALID_BODIES = {
    "POST /api/v1/moderation/appeals/{appeal_id}/decision": {"grant": True, "note": "x"},
    "POST /api/v1/moderation/members/{username}/lift": {"note": "x"},
    "POST /api/v1/moderation/reports/{report_id}/decision": {"action": "dismiss", "note": "x"},
}


def test_the_moderators_routes_are_theirs_alone(site, mod):
    """Every route declared `moderators=True` answers 404 to a member who is not one
    (nothing changes), and its GET gives a moderator the page; and every route under
    moderation/ says whether it is the moderators' (the others are members' own:
    their appeals, their reports)."""
    member, moderator = Client(), Client()
    member.force_login(make_user("outsider"))
    moderator.force_login(mod)
    wrong = []
    for name, pattern in sorted(routes.pages().items()):
        if not PAGES[name].moderators:
            continue
        url = routes.page_url(name, pattern, site.values)
        got = (member.get(url).status_code, member.post(url).status_code)
        if got != (404, 404) and got != (405, 404):
            wrong.append(f"{name} {url}: a member got {got}")
        posts_only = name.endswith(("decide", "decide_appeal", "lift"))
        if not posts_only and moderator.get(url).status_code != 200:
            wrong.append(f"{name} {url}: a moderator did not get the page")
    for operation in sorted(routes.operations()):
        if not OPERATIONS[operation].moderators:
            continue
        method = operation.split(" ", 1)[0]
        url = routes.operation_url(operation, site.values)
        body = json.dumps(VALID_BODIES.get(operation, {}))  # past validation, to the gate
        status = member.generic(method, url, body, content_type="application/json").status_code
        if status != 404:
            wrong.append(f"{operation}: a member got {status}")
        if method == "GET" and moderator.get(url).status_code != 200:
            wrong.append(f"{operation}: a moderator did not get it")
    assert AuditEntry.objects.filter(actor__username="outsider").count() == 0
    assert not wrong, "\n".join(wrong)


def test_every_moderation_route_says_whose_it_is():
    """A new route under moderation/ is declared the moderators' or is on this list of
    the members' own (reporting, their reports, appealing what was done to them)."""
    members_own = {
        "moderation:appeal",
        "moderation:file",
        "moderation:file_appeal",
        "moderation:message",
        "moderation:mine",
        "moderation:report",
    }
    unsure = [
        name
        for name in routes.pages()
        if name.startswith("moderation:") and not PAGES[name].moderators
        if name not in members_own
    ]
    assert not unsure, f"Declare these moderators=True, or the members' own: {unsure}"
    own_api = {
        "GET /api/v1/moderation/actions",
        "GET /api/v1/moderation/appeals/{appeal_id}",
        "POST /api/v1/moderation/actions/{entry_id}/appeal",
    }
    unsure = [
        op
        for op in routes.operations()
        if "/moderation/" in op and not OPERATIONS[op].moderators and op not in own_api
    ]
    assert not unsure, f"Declare these moderators=True, or the members' own: {unsure}"
