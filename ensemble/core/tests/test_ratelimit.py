"""Rate limits count per scope and subject, exactly, in the database."""

import pytest
from django.test import RequestFactory

from ensemble.core import ratelimit
from ensemble.core.ratelimit import RateLimited


@pytest.fixture
def tight_limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (3, 60)}


@pytest.mark.django_db
def test_the_attempt_over_the_limit_is_refused_with_a_wait(tight_limits):
    for _ in range(3):
        ratelimit.hit("login_ip", "10.0.0.1")
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit("login_ip", "10.0.0.1")
    assert 0 < refused.value.retry_after <= 60
    assert "Please wait" in str(refused.value)


@pytest.mark.django_db
def test_subjects_are_counted_separately(tight_limits):
    for _ in range(3):
        ratelimit.hit("login_ip", "10.0.0.1")
    ratelimit.hit("login_ip", "10.0.0.2")  # another address is unaffected
    with pytest.raises(RateLimited):
        ratelimit.hit("login_ip", "10.0.0.1")


def test_client_address_ignores_forwarded_for_unless_proxies_are_trusted(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_address(request) == "10.1.1.1"
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert ratelimit.client_address(request) == "203.0.113.7"


def test_ipv6_clients_are_counted_by_their_64_block():
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    elsewhere = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert ratelimit.client_address(one) == ratelimit.client_address(other) == "2001:db8:1:2::/64"
    assert ratelimit.client_address(elsewhere) != ratelimit.client_address(one)
    mapped = RequestFactory().get("/", REMOTE_ADDR="::ffff:203.0.113.7")
    assert ratelimit.client_address(mapped) == "203.0.113.7"


@pytest.mark.django_db
def test_a_new_window_lifts_the_limit_and_clears_finished_windows(tight_limits, rate_clock):
    from ensemble.core.models import RateCounter

    for _ in range(3):
        ratelimit.hit("login_ip", "10.0.0.1")
    with pytest.raises(RateLimited):
        ratelimit.hit("login_ip", "10.0.0.1")
    rate_clock.advance(60 * 60 * 24)  # long after that window closed
    ratelimit.hit("login_ip", "10.0.0.1")
    assert RateCounter.objects.count() == 1  # the old window's row is gone


def test_client_address_keeps_the_socket_address_when_proxies_are_missing(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    one_hop = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert ratelimit.client_address(one_hop) == "10.1.1.1"
    settings.TRUSTED_PROXY_COUNT = 0
    odd = RequestFactory().get("/", REMOTE_ADDR="unknown")
    assert ratelimit.client_address(odd) == "unknown"
