"""A newcomer's first minutes: sign up, verify the email, sign in, make a profile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ensemble.core.testing import image_bytes, run_tasks

PASSWORD = "turnips are people too"


def _verification_link(inbox, site_url: str) -> str:
    assert len(inbox.messages) == 1, [m["Subject"] for m in inbox.messages]
    message = inbox.messages[0]
    assert message["To"] == "newt@example.org"
    assert "Verify your email" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    match = re.search(re.escape(site_url) + r"/accounts/verify/\S+", body)
    assert match, body
    return match.group(0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signup_verify_login_edit_profile_and_see_it(
    page: Page, live_server, settings, smtp_inbox, check_a11y
):
    settings.SITE_URL = live_server.url
    page.goto(live_server.url + "/")
    check_a11y(page)

    page.get_by_role("link", name="Join", exact=True).first.click()
    expect(page.get_by_role("heading", name="Join Ensemble")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Username").fill("newt")
    page.get_by_label("Email").fill("newt@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    # The same page whether or not the address had an account (issue 15).
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("newt@example.org")).to_be_visible()
    check_a11y(page)

    # The worker sends the email through a real SMTP server.
    run_tasks()
    link = _verification_link(smtp_inbox, live_server.url)

    # Opened in the browser that signed up, the link signs the newcomer in.
    page.goto(link)
    expect(page.get_by_text("Your email address is verified")).to_be_visible()
    expect(page).to_have_url(live_server.url + "/settings/profile/")

    page.locator("details.menu > summary").click()  # the account menu
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Username or email").fill("newt@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Please verify your email address")).to_have_count(0)

    page.goto(live_server.url + "/settings/profile/")
    check_a11y(page)
    page.get_by_label("Display name").fill("Newt Scamander-Brown")
    page.get_by_label("Bio").fill("I draw **turnips**.\n\n- ink\n- watercolour")
    page.get_by_label("Illustration").check()
    page.get_by_label("Animation").check()
    page.get_by_label("Links").fill("https://newt.example.org/portfolio")
    page.get_by_label("Avatar", exact=True).set_input_files(
        {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG", (900, 600))}
    )
    page.get_by_role("button", name="Save profile").click()

    expect(page).to_have_url(live_server.url + "/@newt/")
    expect(page.get_by_role("heading", name="Newt Scamander-Brown")).to_be_visible()
    expect(page.locator(".prose strong")).to_have_text("turnips")
    expect(page.get_by_role("list", name="Skills")).to_contain_text("Illustration")
    expect(page.get_by_role("link", name="newt.example.org")).to_be_visible()
    avatar = page.get_by_role("img", name="Avatar of Newt Scamander-Brown")
    expect(avatar).to_be_visible()
    # Wait for the picture itself, not just its element.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=avatar.element_handle()
    )
    assert avatar.evaluate("img => img.naturalWidth") == 512
    check_a11y(page)

    page.get_by_role("link", name=re.compile("Notifications")).click()
    expect(page.get_by_text("Welcome to Ensemble!")).to_be_visible()
    check_a11y(page)
