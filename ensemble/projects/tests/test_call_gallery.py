"""The call page's gallery: the chosen work first, media on every card, the production
that used it, the rest a page at a time, privacy as before; browse and the API by call."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ensemble.accounts.testing import make_user
from ensemble.lineage.testing import bare_record
from ensemble.projects import gallery, productions, services
from ensemble.projects.testing import make_call, make_entry, make_project
from ensemble.records import services as records
from ensemble.records.testing import make_record
from ensemble.records.tests.samples.av import write_audio

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(alice):
    return make_project(alice)


def titles_in_order(html: str, *titles: str) -> list[str]:
    """The given titles, in the order the page shows them first."""
    return sorted(titles, key=lambda t: html.index(t))


def entries_section(html: str) -> str:
    return html[html.index('id="entries-title"') :]


def test_a_resolved_call_shows_the_selected_work_first_and_the_production_using_it(
    alice, bob, carol, project, client
):
    call = make_call(project, max_entries_per_person=50)
    dave = make_user("dave", display_name="Dave Dunn")
    winner = make_entry(call, dave, title="The winning turnip")
    close = make_entry(call, bob, title="A close second")
    for n in range(30):
        make_entry(call, carol, title=f"Mr Pell, take {n}")
    services.decide([winner, close], by=alice, state="shortlisted")
    services.decide([winner], by=alice, state="selected")
    film = make_record(alice, title="The film")  # a draft, for now
    productions.make_production(project, by=alice, record=film)
    services.set_call_status(call, by=alice, status="resolved")

    html = entries_section(client.get(call.get_absolute_url()).content.decode())
    assert titles_in_order(html, "Mr Pell, take 29", "A close second", "The winning turnip") == [
        "The winning turnip",
        "A close second",
        "Mr Pell, take 29",
    ]
    assert "Selected and shortlisted" in html
    assert 'Entries <span class="muted">(32)</span>' in html
    assert "1 selected · 1 shortlisted · 30 submitted" in html
    assert "The film" not in html  # a draft production stays with its creators
    client.force_login(alice)
    assert "The film" in entries_section(client.get(call.get_absolute_url()).content.decode())
    client.logout()

    records.publish(film, by=alice)
    html = entries_section(client.get(call.get_absolute_url()).content.decode())
    assert f'The selected work is in <a href="{film.get_absolute_url()}">The film</a>' in html
    assert f'in <a href="{film.get_absolute_url()}">The film</a>' in html  # on the winner's card


def test_a_production_using_the_selection_through_another_work_is_linked(
    alice, bob, project, client
):
    call = make_call(project)
    drawing = make_entry(call, bob, title="The character")
    services.decide([drawing], by=alice, state="selected")
    animation = bare_record(alice, kind="video", title="The animation")
    film = bare_record(alice, kind="video", title="The film")
    from ensemble.lineage import services as lineage

    lineage.add_source(animation, drawing.record, by=alice, note="the character")
    lineage.add_source(film, animation, by=alice, note="the animation")
    productions.make_production(project, by=alice, record=film)
    page = client.get(call.get_absolute_url()).content.decode()
    assert f'<a href="{film.get_absolute_url()}">The film</a>' in page


def test_cards_show_thumbnails_players_and_excerpts(alice, bob, project, client, tmp_path):
    call = make_call(project)
    picture = make_record(bob, title="A picture", publish=True)
    poem = make_record(bob, title="A poem", text="A turnip for a head, he said.", publish=True)
    tone = write_audio(tmp_path / "tone.wav")
    song = make_record(bob, title="A song", data=tone.read_bytes(), name="tone.wav", publish=True)
    for record in (picture, poem, song):
        services.submit_entry(call, by=bob, record=record)
    html = entries_section(client.get(call.get_absolute_url()).content.decode())
    assert re.search(r'<img src="[^"]+thumb[^"]*"', html)
    assert "A turnip for a head, he said." in html
    assert re.search(r'<audio class="entry-card__audio" controls preload="none" src="[^"]+"', html)
    assert "Play “A song”" in html


def test_the_rest_goes_a_page_at_a_time_and_a_bad_cursor_starts_again(alice, bob, project, client):
    call = make_call(project, max_entries_per_person=100)
    made = [make_entry(call, bob, title=f"Turnip no. {n:02}") for n in range(gallery.PAGE_SIZE + 5)]
    services.decide([made[0]], by=alice, state="shortlisted")
    first = client.get(call.get_absolute_url()).content.decode()
    assert "Turnip no. 00" in first  # featured
    assert "Turnip no. 04" not in first  # the oldest of the rest, on the next page
    cursor = re.search(r'href="\?cursor=([^"#]+)#rest-title"', first).group(1)
    second = client.get(f"{call.get_absolute_url()}?cursor={cursor}").content.decode()
    rest = entries_section(second)
    assert "Turnip no. 04" in rest
    assert "Turnip no. 01" in rest
    assert "Turnip no. 00" not in rest  # featured entries are not repeated
    assert "Back to the first entries" in rest
    response = client.get(f"{call.get_absolute_url()}?cursor=forged")
    assert (response.status_code, response["Location"]) == (302, call.get_absolute_url())


@pytest.mark.parametrize("who", ["anonymous", "entrant", "owner", "leader"])
def test_the_call_page_costs_the_same_queries_for_3_or_60_entries(
    alice, bob, carol, project, client, who
):
    call = make_call(project, max_entries_per_person=100)
    film = bare_record(alice, kind="video", title="The film")
    productions.make_production(project, by=alice, record=film)
    services.add_leader(project, by=alice, user=carol)
    if who != "anonymous":
        client.force_login({"entrant": bob, "owner": alice, "leader": carol}[who])

    def add(count: int) -> None:
        person = make_user()
        made = [make_entry(call, person) for _ in range(count)]
        mine = services.submit_entry(call, by=bob, record=bare_record(bob, kind="image"))
        services.decide([made[0], mine], by=alice, state="shortlisted", note="Nice.")
        services.decide([made[1]], by=alice, state="selected", note="This one.")
        lineage_link(film, made[1].record)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(call.get_absolute_url()).status_code == 200
        return len(captured)

    add(3)
    few = queries()
    add(57)
    assert queries() == few


def lineage_link(film, record):
    from ensemble.lineage import services as lineage

    lineage.add_source(film, record, by=film.owner, note="used")


def test_privacy_is_kept_in_the_gallery(alice, bob, carol, project, client):
    sealed = make_call(project, sealed=True)
    make_entry(sealed, bob, title="Bob's sealed turnip")
    make_entry(sealed, carol, title="Carol's sealed turnip")
    blind = make_call(project, blind_review=True)
    make_entry(blind, bob, title="Bob's blind turnip")
    gone = make_entry(blind, carol, title="Carol's withdrawn turnip")
    services.withdraw_entry(gone, by=carol)

    def page(call, user=None) -> str:
        if user:
            client.force_login(user)
        else:
            client.logout()
        return entries_section(client.get(call.get_absolute_url()).content.decode())

    assert "sealed turnip" not in page(sealed)
    assert "Carol&#x27;s sealed" not in page(sealed, bob)
    assert "Bob&#x27;s sealed" in page(sealed, bob)
    assert "Carol&#x27;s sealed" in page(sealed, alice)

    assert "withdrawn turnip" not in page(blind)
    leader = page(blind, alice)
    assert "Bob&#x27;s blind turnip" in leader
    assert "Bob Brass" not in leader
    bob_record = blind.entries.get(entrant=bob).record
    assert bob_record.get_absolute_url() not in leader  # the record page names its creator
    # Nor anyone else while the call is open: a reviewer could read them signed out.
    assert "Bob Brass" not in page(blind)
    assert "Bob Brass" in page(blind, bob)  # his own
