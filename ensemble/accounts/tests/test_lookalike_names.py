"""Nobody can take a name that looks like another member's (issue 15, item 7).

Names are compared by their Unicode TR39 skeleton: exact duplicates, other case,
Cyrillic or Greek look-alikes, fullwidth and mathematical letters, `0` for `O`, `I` or
`1` for `l`. Each is refused with the reason, on the profile page, in the API and at
sign-up; a member keeps their own name.
"""

import html

import pytest
from django.urls import reverse

from ensemble.accounts.lookalikes import skeleton
from ensemble.accounts.models import User
from ensemble.accounts.testing import make_user
from ensemble.accounts.tests.api_helpers import assert_error, bearer, post_json

EDIT = reverse("accounts:edit_profile")
CYRILLIC_A = "\u0410"  # А, CYRILLIC CAPITAL LETTER A
CYRILLIC_O = "\u043e"  # о


def _set_name(client, name):
    return client.post(EDIT, {"display_name": name, "bio": "", "links_text": ""})


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Alice Archer", id="exact"),
        pytest.param("alice archer", id="other-case"),
        pytest.param(f"{CYRILLIC_A}lice Archer", id="cyrillic-a"),
        pytest.param("AIice Archer", id="capital-i-for-l"),
        pytest.param("A1ice  Archer ", id="digit-one-and-spaces"),
        pytest.param("Ａｌｉｃｅ Ａｒｃｈｅｒ", id="fullwidth"),
        pytest.param("𝐀𝐥𝐢𝐜𝐞 𝐀𝐫𝐜𝐡𝐞𝐫", id="mathematical-bold"),
        pytest.param("alice", id="her-username"),
        pytest.param(f"B{CYRILLIC_O}b Brass", id="mixed-script-bob"),
    ],
)
def test_a_lookalike_of_another_members_name_is_refused_on_the_page(
    client, alice, bob, carol, name
):
    client.force_login(carol)

    response = _set_name(client, name)

    assert response.status_code == 200
    errors = response.context["form"].errors["display_name"]
    assert "looks too much like another member's" in errors[0]
    assert "@alice" in errors[0] or "@bob" in errors[0]
    carol.refresh_from_db()
    assert carol.display_name == ""


def test_zero_for_capital_o_is_refused(client, carol):
    make_user("john", display_name="JOHN DOE")
    client.force_login(carol)

    response = _set_name(client, "J0HN D0E")

    page = html.unescape(response.content.decode())
    assert "looks too much like another member's, JOHN DOE (@john)" in page


def test_the_api_refuses_a_lookalike_with_the_reason(client, alice, carol):
    from ensemble.accounts.services import create_access_token

    secret = create_access_token(carol, "test").secret
    response = client.patch(
        "/api/v1/me",
        f'{{"display_name": "{CYRILLIC_A}lice Archer"}}',
        content_type="application/json",
        headers=bearer(secret),
    )

    body = assert_error(response, 422, "invalid")
    assert "Alice Archer (@alice)" in str(body)
    carol.refresh_from_db()
    assert carol.display_name == ""


def test_sign_up_refuses_a_username_like_another_members(client, alice):
    response = post_json(
        client,
        "/api/v1/auth/signup",
        {"username": "a1ice", "email": "x@example.org", "password": "violet lantern 42"},
    )

    body = assert_error(response, 422, "invalid")
    assert "This username looks too much like another member's" in str(body)
    assert not User.objects.filter(username="a1ice").exists()


def test_sign_up_page_names_why(client, alice):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "AIice", "email": "x@example.org", "password": "violet lantern 42"},
    )

    page = html.unescape(response.content.decode())
    assert "looks too much like another member's, Alice Archer (@alice)" in page


def test_a_member_keeps_their_own_name_and_may_recase_it(client, alice):
    client.force_login(alice)

    assert _set_name(client, "Alice Archer").status_code == 302
    assert _set_name(client, "ALICE ARCHER").status_code == 302
    assert _set_name(client, "alice").status_code == 302  # her own username


def test_a_name_shared_before_the_rule_can_still_be_kept(client, alice):
    twin = make_user("twin", display_name="Alice Archer")  # from before the check
    client.force_login(twin)

    response = client.post(EDIT, {"display_name": "Alice Archer", "bio": "hello", "links_text": ""})

    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.bio == "hello"


def test_distinct_names_are_accepted(client, alice, carol):
    client.force_login(carol)
    for name in ["Alicia Archer", "Zoë Archer", "Иван Петров", "Carol 🎨"]:
        assert _set_name(client, name).status_code == 302, name


def test_skeletons_are_kept_on_every_save_and_indexed(alice):
    assert alice.name_skeleton == skeleton("ALICE ARCHER") == "allce archer"  # i and l fold
    assert alice.username_skeleton == "allce"
    alice.display_name = "Ｍary"
    alice.save(update_fields=["display_name"])
    assert User.objects.get(pk=alice.pk).name_skeleton == "rnary"
    indexed = {f.name for f in User._meta.fields if f.db_index}
    assert {"name_skeleton", "username_skeleton"} <= indexed


def test_the_check_is_one_query(alice, carol, django_assert_num_queries):
    from django.core.exceptions import ValidationError

    from ensemble.accounts.services import validate_display_name

    for n in range(20):
        make_user(f"extra{n}", display_name=f"Extra {n}")
    with django_assert_num_queries(1), pytest.raises(ValidationError):
        validate_display_name("ALICE ARCHER", carol)


def test_the_migration_backfills_existing_members(alice):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("ensemble.accounts.migrations.0002_name_skeletons")
    User.objects.filter(pk=alice.pk).update(name_skeleton="", username_skeleton="")

    migration.fill_skeletons(apps, None)

    alice.refresh_from_db()
    assert (alice.name_skeleton, alice.username_skeleton) == ("allce archer", "allce")
