"""The shell around every page: themes, phones, keyboards, error pages, API docs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from ensemble.accounts.testing import PASSWORD, make_user
from ensemble.community.services import follows
from ensemble.notifications.services import mark_read, notify
from ensemble.projects import services as projects
from ensemble.projects.testing import make_project


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


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _sign_in(page: Page, base: str, username: str = "alice") -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.menu > summary")).to_be_visible()


def _header_height(page: Page) -> float:
    return page.locator(".site-header").bounding_box()["height"]  # type: ignore[index]


def _tab_to(page: Page, target: Locator, most: int = 12) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} is not reachable with Tab")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_phone_header_is_one_row_with_a_menu_for_taps_and_keys(
    browser: Browser, live_server, check_a11y
):
    alice = make_user("alice", display_name="Alice Archer")
    notify(alice, "welcome")
    notify(alice, "welcome")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    menu = page.locator("summary", has_text="Menu")  # a <details> disclosure
    panel = page.locator(".phone-menu__panel")
    header = page.get_by_role("banner")
    for path in ["/", "/records/", "/calls/", "/accounts/login/"]:
        page.goto(live_server.url + path)
        assert _header_height(page) <= 70, f"{path}: the header is {_header_height(page)}px"
        expect(header.get_by_role("link", name="Join")).to_be_visible()
        expect(header.get_by_role("link", name="Browse")).to_be_hidden()  # folded away
    check_a11y(page)

    # A tap opens it; its links work.
    menu.tap()
    expect(panel).to_be_visible()
    check_a11y(page)
    header.get_by_role("link", name="Browse").tap()
    expect(page).to_have_url(live_server.url + "/records/")
    expect(panel).to_be_hidden()

    # Signed in: one row still, the unread count shows without opening anything.
    _sign_in(page, live_server.url)
    for path in ["/", "/records/", "/notifications/", "/settings/profile/"]:
        page.goto(live_server.url + path)
        assert _header_height(page) <= 70, f"{path}: the header is {_header_height(page)}px"
        _no_horizontal_scroll(page)
    expect(page.get_by_role("link", name="Notifications 2 unread")).to_be_visible()
    check_a11y(page)

    # The keyboard: Tab to the menu, Enter opens it, Tab reaches the search box.
    _tab_to(page, menu)
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    page.keyboard.press("Tab")
    search = page.get_by_role("searchbox", name="Search records, projects, calls and people")
    expect(search).to_be_focused()
    check_a11y(page)
    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("turnip")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/search?q=turnip")

    # The account menu and the main menu never cover each other.
    page.locator("details.menu > summary").tap()
    expect(page.get_by_role("link", name="Your profile")).to_be_visible()
    menu.tap()
    expect(panel).to_be_visible()
    expect(page.get_by_role("link", name="Your profile")).to_be_hidden()
    header.get_by_role("link", name="Upload").tap()
    expect(page).to_have_url(live_server.url + "/records/new")
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_phone_menu_works_without_javascript(browser: Browser, live_server):
    make_user("alice", display_name="Alice Archer")
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    _sign_in(page, live_server.url)
    page.goto(live_server.url + "/")
    page.locator("summary", has_text="Menu").tap()
    page.get_by_role("searchbox", name="Search records, projects, calls and people").fill("pell")
    page.get_by_label("Search the site").get_by_role("button", name="Search").tap()
    expect(page).to_have_url(live_server.url + "/search?q=pell")
    page.locator("summary", has_text="Menu").tap()
    page.get_by_role("banner").get_by_role("link", name="Feed").tap()
    expect(page).to_have_url(live_server.url + "/feed")
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_desktop_header_keeps_every_link_in_one_row(page: Page, live_server, check_a11y):
    make_user("alice", display_name="Alice Archer")
    _sign_in(page, live_server.url)
    page.goto(live_server.url + "/records/")
    assert _header_height(page) <= 70
    nav = page.get_by_role("navigation", name="Main")
    for name in ["Browse", "Calls", "Search", "Feed", "Upload", "Notifications"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Browse")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("button", name="Switch between light and dark theme")).to_be_visible()
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    tops = {round(link.bounding_box()["y"]) for link in nav.get_by_role("link").all()}  # type: ignore[index]
    assert len(tops) == 1, f"the nav wraps: link tops at {sorted(tops)}"
    check_a11y(page)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notifications_show_markdown_rendered_and_unread_quietly(
    browser: Browser, live_server, check_a11y
):
    alice = make_user("alice", display_name="Alice Archer")
    bob = make_user("bob", display_name="Bob Brass")
    project = make_project(alice, title="Turnip")
    follows.follow_project(bob, project)
    projects.post_update(project, by=alice, body="**The film is out.** Thank you all.")
    projects.post_update(project, by=alice, body="The _credits_ are online.")
    mark_read(bob, [bob.notifications.order_by("id").first().pk])  # type: ignore[union-attr]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    _sign_in(page, live_server.url, "bob")
    page.goto(live_server.url + "/notifications/")

    unread, read = page.locator(".notification").all()
    expect(read.locator("strong")).to_have_text("The film is out.")
    expect(unread.locator("em")).to_have_text("credits")
    assert "*" not in page.locator(".notification-list").inner_text()
    assert "_credits_" not in page.locator(".notification-list").inner_text()
    # Unread is a dot and "Unread:" for screen readers, not bold red text.
    expect(unread.get_by_role("link")).to_have_accessible_name(re.compile(r"^Unread: News"))
    expect(read.get_by_role("link")).to_have_accessible_name(re.compile(r"^News"))
    style = "el => [getComputedStyle(el).fontWeight, getComputedStyle(el).color]"
    body_color = page.evaluate("() => getComputedStyle(document.body).color")
    assert unread.get_by_role("link").evaluate(style) == ["400", body_color]
    assert unread.evaluate("el => getComputedStyle(el, '::before').content") != "none"
    assert read.evaluate("el => getComputedStyle(el, '::before').content") == "none"
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
