"""Records' events: the apps above connect to them, records calls them in order."""

from __future__ import annotations

from ensemble.lineage.services import check_licence_change, tell_sources_on_publish
from ensemble.projects.entry_uploads import settle
from ensemble.records import events
from ensemble.records.events import Event


def test_handlers_are_called_in_the_order_they_connected():
    heard: list[str] = []
    event: Event[[str]] = Event("something_happened")
    first = event.connect(lambda what: heard.append(f"first {what}"))
    event.connect(lambda what: heard.append(f"second {what}"))
    for handler in event:
        handler("it")
    assert heard == ["first it", "second it"]
    assert callable(first)
    assert "2 handlers" in repr(event)


def test_the_apps_above_records_connect_to_its_three_events():
    assert list(events.version_ready) == [settle]
    assert list(events.record_published) == [tell_sources_on_publish]
    assert list(events.licence_changing) == [check_licence_change]
