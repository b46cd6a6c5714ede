"""Public profile pages (/@username/) and editing your own profile."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ensemble.accounts.models import Skill, User
from ensemble.accounts.testing import make_user

EDIT = reverse("accounts:edit_profile")


def profile_data(**overrides):
    return {"display_name": "Alice Archer", "bio": "", "links_text": "", **overrides}


def test_public_profile_shows_name_bio_skills_and_links(client, alice):
    alice.bio = "I draw **bold** lines."
    alice.links = ["https://www.alice.example/portfolio", "https://shop.example.net/alice"]
    alice.save()
    alice.set_skills(["illustration", "animation"])

    response = client.get("/@alice/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 id="profile-name">Alice Archer</h1>' in page
    assert "@alice" in page
    assert "I draw <strong>bold</strong> lines." in page
    assert '<li class="chip">Illustration</li>' in page
    assert '<li class="chip">Animation</li>' in page
    assert '<a href="https://www.alice.example/portfolio" rel="nofollow ugc noopener me">' in page
    assert ">alice.example</a>" in page
    assert ">shop.example.net</a>" in page


def test_bio_markdown_cannot_inject_script_or_javascript_links(client, alice):
    alice.bio = (
        "<script>alert('bio')</script>\n\n"
        "[x](javascript:alert(1))\n\n"
        '<img src=x onerror="alert(2)">\n\n'
        "[y](JaVaScRiPt:alert(3))"
    )
    alice.save()

    page = client.get("/@alice/").content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page  # shown as text, not run
    assert "<img src=x" not in page
    assert 'href="javascript:' not in page.lower()


def test_profile_address_in_another_case_redirects_to_the_canonical_one(client, alice):
    response = client.get("/@ALICE/")

    assert response.status_code == 301
    assert response["Location"] == "/@alice/"


def test_unknown_member_is_404(client, db):
    assert client.get("/@nobody/").status_code == 404


def test_deactivated_member_is_404(client, alice):
    alice.is_active = False
    alice.save()

    assert client.get("/@alice/").status_code == 404


def test_edit_link_shows_on_your_own_profile_only(client, alice, bob):
    button = f'<a class="btn btn--small" href="{EDIT}">Edit profile</a>'
    client.force_login(alice)
    assert button in client.get("/@alice/").content.decode()
    assert button not in client.get("/@bob/").content.decode()


def test_profile_page_query_count_does_not_grow_with_skills(client, db):
    one = make_user("oneskill")
    one.set_skills(Skill.values[:1])
    many = make_user("manyskills")
    many.set_skills(Skill.values[:10])
    client.get("/@oneskill/")  # warm up anything cached per process

    with CaptureQueriesContext(connection) as one_skill:
        one_page = client.get("/@oneskill/")
    with CaptureQueriesContext(connection) as ten_skills:
        many_page = client.get("/@manyskills/")

    assert many_page.content.decode().count('<li class="chip">') == 10
    assert one_page.content.decode().count('<li class="chip">') == 1
    # The member, all her skills in one query (nothing per skill), her records (none),
    # and the community's five: followers, following, lists, contributions, credits.
    assert len(one_skill) == len(ten_skills) == 8


def test_edit_profile_needs_a_signed_in_member(client, db):
    response = client.get(EDIT)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={EDIT}"


def test_anonymous_post_to_edit_profile_changes_nothing(client, alice):
    response = client.post(EDIT, profile_data(display_name="Mallory"))

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice Archer"


def test_edit_profile_form_shows_current_values(alice_client, alice):
    alice.links = ["https://alice.example/"]
    alice.save()

    page = alice_client.get(EDIT).content.decode()

    assert 'value="Alice Archer"' in page
    assert "https://alice.example/" in page


def test_saving_the_profile_stores_name_bio_skills_and_links(alice_client, alice):
    response = alice_client.post(
        EDIT,
        profile_data(
            display_name="Alice A.",
            bio="Songs about _rivers_.",
            skills=["music", "voice"],
            links_text="https://alice.example/\n\n  http://band.example.org/alice  \n",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == "/@alice/"
    alice.refresh_from_db()
    assert alice.display_name == "Alice A."
    assert alice.bio == "Songs about _rivers_."
    assert alice.skill_list() == [Skill.MUSIC, Skill.VOICE]
    assert alice.links == ["https://alice.example/", "http://band.example.org/alice"]


def test_saving_the_profile_can_clear_skills_and_links(alice_client, alice):
    alice.links = ["https://alice.example/"]
    alice.save()
    alice.set_skills(["music"])

    alice_client.post(EDIT, profile_data())

    alice.refresh_from_db()
    assert alice.links == []
    assert alice.skill_list() == []


def profile_unchanged(alice):
    fresh = User.objects.get(pk=alice.pk)
    return (
        fresh.display_name == "Alice Archer"
        and fresh.bio == ""
        and fresh.links == ["https://alice.example/"]
        and fresh.skill_list() == [Skill.MUSIC]
    )


@pytest.mark.parametrize(
    ("links_text", "message"),
    [
        pytest.param("ftp://files.example.org/", "is not a web address", id="ftp"),
        pytest.param("javascript:alert(1)", "is not a web address", id="javascript"),
        pytest.param("JAVASCRIPT://alice.example/%0Aalert(1)", "is not a web address", id="js-url"),
        pytest.param("alice.example", "is not a web address", id="no-scheme"),
        pytest.param("https://", "is not a web address", id="no-host"),
        pytest.param(
            "\n".join(f"https://site{n}.example/" for n in range(6)),
            "Add at most 5 links.",
            id="six-links",
        ),
        pytest.param("https://alice.example/" + "a" * 500, "at most 500 characters", id="long"),
    ],
)
def test_bad_links_are_refused_and_nothing_is_saved(alice_client, alice, links_text, message):
    alice.links = ["https://alice.example/"]
    alice.save()
    alice.set_skills(["music"])

    response = alice_client.post(
        EDIT,
        profile_data(
            display_name="Changed",
            bio="Changed too",
            skills=["voice"],
            links_text=links_text,
        ),
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["links_text"])
    assert message in response.content.decode()
    assert profile_unchanged(alice)


def test_five_links_are_accepted(alice_client, alice):
    links = [f"https://site{n}.example/" for n in range(5)]

    alice_client.post(EDIT, profile_data(links_text="\n".join(links)))

    alice.refresh_from_db()
    assert alice.links == links


def test_too_long_display_name_is_refused_and_nothing_is_saved(alice_client, alice):
    response = alice_client.post(EDIT, profile_data(display_name="A" * 81, bio="new bio"))

    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.display_name == "Alice Archer"
    assert alice.bio == ""


def test_unknown_skill_is_refused_and_nothing_is_saved(alice_client, alice):
    response = alice_client.post(EDIT, profile_data(display_name="Changed", skills=["juggling"]))

    assert response.status_code == 200
    assert "skills" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.display_name == "Alice Archer"


def test_the_rendered_bio_follows_every_way_the_bio_changes(alice, alice_client):
    alice.bio = "first **version**"
    alice.save(update_fields=["bio"])
    alice.refresh_from_db()
    assert "<strong>version</strong>" in alice.bio_html

    alice_client.patch("/api/v1/me", {"bio": "from the _api_"}, content_type="application/json")
    alice.refresh_from_db()
    assert "<em>api</em>" in alice.bio_html
    page = alice_client.get("/@alice/").content.decode()
    assert "<em>api</em>" in page
    assert "<strong>version</strong>" not in page


@pytest.mark.parametrize("name", ["bob\u202e\u200b", "Ali\u200bce", "A\u2066B", "x\u0007"])
def test_display_names_with_invisible_controls_are_refused(alice, alice_client, name):
    response = alice_client.post(
        reverse("accounts:edit_profile"), {"display_name": name, "bio": "", "links_text": ""}
    )
    assert response.status_code == 200
    assert "invisible control characters" in response.content.decode()
    alice.refresh_from_db()
    assert alice.display_name == "Alice Archer"


def test_emoji_joined_with_zero_width_joiners_are_fine(alice, alice_client):
    alice_client.post(
        reverse("accounts:edit_profile"),
        {"display_name": "Alice \U0001f469\u200d\U0001f3a8", "bio": "", "links_text": ""},
    )
    alice.refresh_from_db()
    assert alice.display_name == "Alice \U0001f469\u200d\U0001f3a8"
