"""Numbers from requests: odd digits, signs and huge values are refused, never a 500."""

from __future__ import annotations

import pytest

from ensemble.core.params import page_number, whole


@pytest.mark.parametrize("raw", ["", " 1", "-1", "+1", "1.0", "²", "١٢", "1e3", "9" * 19, None, 3])
def test_anything_but_plain_digits_is_the_default(raw):
    assert whole(raw) is None
    assert whole(raw, 7) == 7


def test_plain_digits_are_read():
    assert (whole("0"), whole("42"), whole("9" * 18)) == (0, 42, 10**18 - 1)
    assert (page_number("0", last=5), page_number("3", last=5), page_number("9", last=5)) == (
        1,
        3,
        5,
    )


HOSTILE = ["%C2%B2", "%D9%A1%D9%A2", "99999999999999999999999", "-1", "0"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", HOSTILE)
def test_pages_answer_odd_page_numbers(client, page):
    for path in ("/calls/", "/search?q=turnip&", "/records/?sort=trending&"):
        joiner = "?" if path.endswith("/") else ""
        response = client.get(f"{path}{joiner}page={page}")
        assert response.status_code == 200, path


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["%C2%B2", "99999999999999999999999"])
def test_forms_answer_odd_ids(alice_client, raw):
    from urllib.parse import unquote

    value = unquote(raw)
    assert (
        alice_client.post(
            "/comments", {"target": "record", "target_id": value, "body": "x"}
        ).status_code
        == 404
    )
    assert alice_client.post("/notifications/read/", {"id": value}).status_code == 302
