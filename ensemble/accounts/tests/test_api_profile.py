"""Reading and editing profiles through the API: /me for yourself, /users/{name} for others."""

import pytest

from ensemble.accounts.models import User
from ensemble.accounts.testing import make_user

ME = "/api/v1/me"

PUBLIC_FIELDS = {
    "username",
    "display_name",
    "bio",
    "avatar_url",
    "skills",
    "links",
    "profile_url",
    "date_joined",
}


@pytest.fixture
def profiled_alice(alice):
    """Alice with every profile field filled in."""
    alice.bio = "I draw *things*."
    alice.links = ["https://alice.example/portfolio", "https://www.shop.example/"]
    alice.save()
    alice.set_skills(["illustration", "writing"])
    return alice


def patch_me(client, data):
    return client.patch(ME, data, content_type="application/json")


def snapshot(user):
    user = User.objects.get(pk=user.pk)
    return {
        "display_name": user.display_name,
        "bio": user.bio,
        "links": user.links,
        "skills": sorted(skill.value for skill in user.skill_list()),
    }


def assert_refused(response, field):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert field in {error["field"] for error in body["errors"]}


# PATCH /me


@pytest.mark.django_db
def test_patch_changes_only_the_fields_sent(alice_client, profiled_alice):
    before = snapshot(profiled_alice)

    response = patch_me(alice_client, {"display_name": "Alice A."})

    assert response.status_code == 200
    assert response.json()["display_name"] == "Alice A."
    assert snapshot(profiled_alice) == {**before, "display_name": "Alice A."}


@pytest.mark.django_db
def test_patch_answers_with_the_saved_profile(alice_client, alice):
    response = patch_me(
        alice_client,
        {"bio": "New bio.", "skills": ["music"], "links": ["https://www.alice.example/"]},
    )

    body = response.json()
    assert body["bio"] == "New bio."
    assert body["skills"] == [{"slug": "music", "name": "Music"}]
    assert body["links"] == [{"url": "https://www.alice.example/", "label": "alice.example"}]
    assert body["email"] == "alice@example.org"


@pytest.mark.django_db
def test_skills_by_slug_replace_the_whole_set(alice_client, profiled_alice):
    response = patch_me(alice_client, {"skills": ["animation", "music"]})

    assert response.status_code == 200
    assert snapshot(profiled_alice)["skills"] == ["animation", "music"]


@pytest.mark.django_db
def test_empty_lists_clear_skills_and_links(alice_client, profiled_alice):
    response = patch_me(alice_client, {"skills": [], "links": []})

    assert response.status_code == 200
    after = snapshot(profiled_alice)
    assert after["skills"] == []
    assert after["links"] == []
    assert after["bio"] == "I draw *things*."


@pytest.mark.django_db
def test_empty_patch_changes_nothing(alice_client, profiled_alice):
    before = snapshot(profiled_alice)

    response = patch_me(alice_client, {})

    assert response.status_code == 200
    assert snapshot(profiled_alice) == before


@pytest.mark.django_db
def test_unknown_skill_slug_is_refused_and_nothing_changes(alice_client, profiled_alice):
    before = snapshot(profiled_alice)

    response = patch_me(
        alice_client, {"display_name": "Changed", "skills": ["music", "juggling", "alchemy"]}
    )

    assert_refused(response, "skills")
    assert "alchemy, juggling" in response.json()["detail"]
    assert snapshot(profiled_alice) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "links",
    [
        pytest.param(["ftp://files.example/me"], id="not-http"),
        pytest.param(["javascript:alert(1)"], id="javascript-url"),
        pytest.param(["alice.example"], id="no-scheme"),
        pytest.param(["https://"], id="no-host"),
        pytest.param(["https://alice.example/" + "a" * 500], id="too-long"),
        pytest.param([f"https://site{n}.example/" for n in range(6)], id="six-links"),
        pytest.param([f"https://site{n}.example/" for n in range(51)], id="fifty-one-links"),
        pytest.param([42], id="not-a-string"),
        pytest.param("https://alice.example/", id="not-a-list"),
    ],
)
def test_bad_links_are_refused_and_nothing_changes(alice_client, profiled_alice, links):
    before = snapshot(profiled_alice)

    response = patch_me(alice_client, {"bio": "Changed", "links": links})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert any(e["field"].startswith("links") for e in response.json()["errors"])
    assert snapshot(profiled_alice) == before


@pytest.mark.django_db
def test_five_http_links_are_accepted(alice_client, alice):
    links = [f"http://site{n}.example/" for n in range(5)]

    response = patch_me(alice_client, {"links": links})

    assert response.status_code == 200
    assert User.objects.get(pk=alice.pk).links == links


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"display_name": "A" * 81}, "display_name", id="display-name-too-long"),
        pytest.param({"bio": "b" * 5001}, "bio", id="bio-too-long"),
        pytest.param({"display_name": None}, "display_name", id="display-name-null"),
        pytest.param({"skills": None}, "skills", id="skills-null"),
        pytest.param({"display_name": ["A"]}, "display_name", id="display-name-wrong-type"),
    ],
)
def test_bad_profile_values_are_refused_and_nothing_changes(
    alice_client, profiled_alice, data, field
):
    before = snapshot(profiled_alice)

    response = patch_me(alice_client, {"bio": "Changed", **data})

    assert_refused(response, field)
    assert snapshot(profiled_alice) == before


@pytest.mark.django_db
def test_display_name_of_exactly_80_characters_is_accepted(alice_client, alice):
    response = patch_me(alice_client, {"display_name": "A" * 80})

    assert response.status_code == 200
    assert User.objects.get(pk=alice.pk).display_name == "A" * 80


@pytest.mark.django_db
def test_patch_me_without_credentials_is_a_401_and_changes_nothing(client, alice):
    response = patch_me(client, {"bio": "anonymous"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert User.objects.get(pk=alice.pk).bio == ""


# GET /users/{username}


@pytest.mark.django_db
def test_public_profile_shows_public_fields_only(client, profiled_alice):
    response = client.get("/api/v1/users/alice")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == PUBLIC_FIELDS
    assert b"alice@example.org" not in response.content
    assert b"email" not in response.content
    assert body["display_name"] == "Alice Archer"
    assert body["bio"] == "I draw *things*."
    assert [s["slug"] for s in body["skills"]] == ["writing", "illustration"]
    assert body["links"] == [
        {"url": "https://alice.example/portfolio", "label": "alice.example"},
        {"url": "https://www.shop.example/", "label": "shop.example"},
    ]
    assert body["profile_url"] == "/@alice/"


@pytest.mark.django_db
def test_public_profile_hides_the_email_from_the_member_themself(alice_client):
    response = alice_client.get("/api/v1/users/alice")

    assert "email" not in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["ALICE", "Alice", "aLiCe"])
def test_public_profile_lookup_ignores_case(client, alice, name):
    response = client.get(f"/api/v1/users/{name}")

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


@pytest.mark.django_db
def test_unknown_member_is_a_404_json(client):
    response = client.get("/api/v1/users/nobody")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
def test_deactivated_member_is_a_404_like_an_unknown_one(client):
    make_user("gone", is_active=False)

    response = client.get("/api/v1/users/gone")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
