"""The shell around every page: themes, phones, keyboards, error pages, API docs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from ensemble.accounts.testing import PASSWORD, make_user


def _no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dark_theme_is_followed_and_stays_accessible(browser: Browser, live_server, check_a11y):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(live_server.url + "/")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    check_a11y(page)
    # The toggle switches to light and remembers it across pages.
    page.get_by_role("button", name="Switch between light and dark theme").click()
    page.goto(live_server.url + "/accounts/login/")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "light"
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != background
    check_a11y(page)
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_fit_a_phone_and_the_menu_works_there(browser: Browser, live_server, check_a11y):
    make_user("alice", display_name="Alice Archer")
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in ["/", "/accounts/signup/", "/accounts/login/", "/@alice/"]:
        page.goto(live_server.url + path)
        _no_horizontal_scroll(page)
        check_a11y(page)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.menu > summary")).to_be_visible()  # signed in
    page.goto(live_server.url + "/settings/profile/")
    _no_horizontal_scroll(page)
    page.locator("details.menu > summary").click()
    expect(page.get_by_role("link", name="Your profile")).to_be_visible()
    check_a11y(page)
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_keyboard_users_can_skip_to_the_content(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_missing_pages_get_a_helpful_404(page: Page, live_server, check_a11y):
    response = page.goto(live_server.url + "/nothing/here/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    check_a11y(page)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_api_docs_render_from_local_files_under_the_csp(page: Page, live_server):
    external = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.get_by_text("/api/v1/auth/signup").first).to_be_visible()
    expect(page.get_by_text("/api/v1/me").first).to_be_visible()
    assert external == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_settings_page_is_accessible_and_works(page: Page, live_server, check_a11y):
    alice = make_user("alice", display_name="Alice Archer")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Notifications")).to_be_visible()

    page.goto(live_server.url + "/settings/tokens/")
    check_a11y(page)
    page.get_by_label("Name").fill("laptop script")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("ens_")
    check_a11y(page)
    response = page.request.get(
        live_server.url + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.json()["username"] == "alice"

    page.goto(live_server.url + "/settings/notifications/")
    check_a11y(page)
    page.get_by_role("group", name="A new API token was created on your account").get_by_label(
        "Off"
    ).check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your notification preferences are saved.")).to_be_visible()

    for path in ["/settings/email/", "/settings/password/", "/notifications/"]:
        page.goto(live_server.url + path)
        check_a11y(page)

    page.goto(live_server.url + "/accounts/password/reset/")
    check_a11y(page)
    assert alice.notification_prefs.get().delivery == "off"
