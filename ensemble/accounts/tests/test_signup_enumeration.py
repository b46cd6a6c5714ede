"""Sign-up never tells whether an address has an account (issue 15, item 9).

A known address gets the same answer as a new one, on the page and in the API; nothing
is created, and the address's owner is emailed instead. Usernames are public (every
profile is at /@username), so a taken username is still said to be taken.
"""

import time

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.urls import reverse

from ensemble.accounts.models import User
from ensemble.accounts.tests.api_helpers import assert_error, field_names, post_json

SIGNUP = reverse("accounts:signup")
SIGNUP_API = "/api/v1/auth/signup"
PASSWORD = "violet lantern orchard 42"


class SlowHasher(PBKDF2PasswordHasher):
    iterations = 100_000  # ~50 ms: the hash, not the rest of the request, sets the time


def _page_answer(client, email, username):
    response = client.post(SIGNUP, {"username": username, "email": email, "password": PASSWORD})
    sent = client.get(response["Location"]) if response.status_code == 302 else response
    # The page names the address typed, so compare with it replaced.
    page = sent.content.decode().replace(email, "EMAIL")
    return response.status_code, response.get("Location"), sent.status_code, page


def test_a_taken_email_gets_the_same_page_as_a_new_one_and_creates_nothing(client, alice):
    known = _page_answer(client, "ALICE@example.org", "dana")
    client.logout()
    client.cookies.clear()
    new = _page_answer(client, "erin@example.org", "erin")

    assert known == new
    assert known[1] == reverse("accounts:signup_sent")
    assert not User.objects.filter(username="dana").exists()
    assert User.objects.filter(username="erin").exists()


def test_the_owner_of_a_taken_email_is_told_someone_tried_it(client, alice, tasks):
    client.post(SIGNUP, {"username": "dana", "email": "alice@example.org", "password": PASSWORD})
    tasks()

    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "Someone tried to sign up" in message.subject
    assert "http://testserver/accounts/login/" in message.body
    assert "http://testserver/accounts/password/reset/" in message.body
    assert User.objects.count() == 1
    alice.refresh_from_db()
    assert alice.check_password("correct horse battery staple")  # untouched


def test_the_api_answers_a_taken_email_like_a_new_one(client, alice, tasks):
    known = post_json(
        client, SIGNUP_API, {"username": "dana", "email": "alice@example.org", "password": PASSWORD}
    )
    new = post_json(
        client, SIGNUP_API, {"username": "erin", "email": "erin@example.org", "password": PASSWORD}
    )

    assert known.status_code == new.status_code == 202
    assert known.json()["detail"].replace("alice@example.org", "E") == new.json()["detail"].replace(
        "erin@example.org", "E"
    )
    assert not User.objects.filter(username="dana").exists()
    tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "erin@example.org"]


def test_a_taken_email_takes_as_long_as_a_new_one(client, alice, settings):
    # A real, slow hash (the tests' own is instant): hashed either way, neither is quick.
    settings.PASSWORD_HASHERS = [f"{__name__}.SlowHasher"]
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "signup_ip": (100, 3600),
        "signup_account": (100, 3600),
    }

    def timed(email, username):
        start = time.perf_counter()
        post_json(client, SIGNUP_API, {"username": username, "email": email, "password": PASSWORD})
        return time.perf_counter() - start

    # Interleaved, the fastest of five each: the machine's other work adds only delays.
    known, new = [], []
    for n in range(5):
        known.append(timed("alice@example.org", f"dana{n}"))
        new.append(timed(f"erin{n}@example.org", f"erin{n}"))

    # Before the fix a known address was refused at once, several times faster.
    assert min(known) > 0.4 * min(new), (known, new)


def test_a_taken_username_is_still_refused_because_usernames_are_public(client, alice):
    response = post_json(
        client, SIGNUP_API, {"username": "ALICE", "email": "x@example.org", "password": PASSWORD}
    )

    body = assert_error(response, 422, "invalid")
    assert field_names(body) == {"username"}
    assert "This username is taken." in response.content.decode()


def test_the_link_signs_in_the_browser_that_signed_up_and_goes_back_where_it_came(
    client, db, tasks
):
    client.post(
        SIGNUP,
        {
            "username": "dana",
            "email": "dana@example.org",
            "password": PASSWORD,
            "next": "/projects/",
        },
    )
    tasks()
    link = mail.outbox[0].body.split("http://testserver", 1)[1].split()[0]

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    assert client.get("/").wsgi_request.user.username == "dana"
