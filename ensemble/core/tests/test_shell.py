"""The site shell: home page, health check, error pages, security headers."""

import pytest


@pytest.mark.django_db
def test_home_page_renders_for_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Make things together" in response.content
    assert b"Join" in response.content


def test_healthz_is_plain_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_with_a_nonce(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    # A nonce is added to script-src only on pages that use one.
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_pages_have_no_inline_script_without_a_nonce(client, alice_client):
    import re

    for path in ["/", "/accounts/login/", "/accounts/signup/", "/@alice/", "/settings/profile/"]:
        html = alice_client.get(path).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag, (
                path,
                tag,
            )
        assert " style=" not in html, path


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_origin(client):
    html = client.get("/").content.decode()
    assert "https://cdn" not in html
    assert "unpkg" not in html


def test_server_error_page_renders_without_context(client, db, settings):
    from django.test import RequestFactory

    from ensemble.core.views import error_500

    response = error_500(RequestFactory().get("/boom"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


@pytest.mark.django_db
def test_avatars_are_served_and_nothing_else_under_media(client, settings):
    from ensemble.core.storage_url import storages_from_url

    # Served from the folder: the areas are folders here, even in a run that keeps files in S3.
    settings.STORAGES = {
        **settings.STORAGES,
        **storages_from_url(
            "STORAGE_URL",
            "",
            roots={"records": settings.RECORDS_ROOT, "exports": settings.EXPORTS_ROOT},
            media_url=settings.MEDIA_URL,
        ),
    }
    avatars = settings.MEDIA_ROOT / "avatars"
    avatars.mkdir(parents=True)
    (avatars / "abc.webp").write_bytes(b"RIFF....WEBP")
    (settings.MEDIA_ROOT / "secret.txt").write_text("private")
    assert client.get("/media/avatars/abc.webp").status_code == 200
    assert client.get("/media/secret.txt").status_code == 404
    assert client.get("/media/avatars/../secret.txt").status_code == 404
    assert client.get("/media/avatars/%2e%2e/secret.txt").status_code == 404


@pytest.mark.django_db
def test_in_a_bucket_avatars_redirect_and_nothing_else_under_media(client, s3_storage):
    from ensemble.core import filestore

    source = filestore.media.root / "upload"  # what is kept comes from a local file
    source.parent.mkdir(parents=True)
    source.write_bytes(b"private")
    filestore.media.keep(source, "secret.txt")
    filestore.media.keep(source, "avatars/abc.webp")
    assert client.get("/media/avatars/abc.webp").status_code == 302
    for path in ("secret.txt", "avatars/..", "avatars/../secret.txt", "avatars/%2e%2e/secret.txt"):
        assert client.get(f"/media/{path}").status_code == 404, path


@pytest.mark.django_db
def test_html_forms_enforce_csrf(alice):
    from django.test import Client

    from ensemble.accounts.models import AccessToken

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    for path, data in [
        ("/settings/tokens/", {"name": "sneaky"}),
        ("/accounts/logout/", {}),
        ("/settings/email/", {"email": "x@example.org", "password": "x"}),
    ]:
        response = browser.post(path, data)
        assert response.status_code == 403, path
        assert b"This form has expired" in response.content
    assert not AccessToken.objects.exists()
    assert browser.get("/settings/profile/").status_code == 200  # still signed in


@pytest.mark.django_db
def test_a_foreign_host_gets_the_400_page_or_json(client):
    page = client.get("/", HTTP_HOST="evil.example")
    assert page.status_code == 400
    assert b"did not make sense" in page.content
    api = client.get("/api/v1/me", HTTP_HOST="evil.example")
    assert api.status_code == 400
    assert api.json()["code"] == "bad_request"


def test_error_pages_answer_json_under_the_api(db):
    from django.test import RequestFactory

    from ensemble.core.views import error_403, error_500

    factory = RequestFactory()
    assert error_403(factory.get("/api/v1/x")).status_code == 403
    assert b'"code": "forbidden"' in error_403(factory.get("/api/v1/x")).content
    assert b'"code": "server_error"' in error_500(factory.get("/api/v1/x")).content
    html = error_403(factory.get("/somewhere"))
    assert b"You are not allowed to see this" in html.content
