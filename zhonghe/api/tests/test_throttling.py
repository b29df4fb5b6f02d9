"""Request limits: per API key (ZHONGHE_API_RATE) and per client address on public endpoints
(ZHONGHE_PUBLIC_RATE); over the limit → 429, Retry-After, the error envelope. The rest of the suite runs
with generous limits (conftest.py), these tests with small ones."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from zhonghe.api.throttles import client_address


@pytest.fixture(autouse=True)
def _fresh_counts():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def assert_throttled(response):
    assert response.status_code == 429
    body = response.json()
    assert body["error"]["code"] == "throttled" and body["error"]["message"]
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    assert body["error"]["fields"]["retry_after_s"] == retry_after


@pytest.mark.django_db
def test_public_endpoint_is_limited_per_address(client, settings):
    settings.ZHONGHE_PUBLIC_RATE = "3/min"
    for _ in range(3):
        assert client.get("/api/v1/keys").status_code == 200
    assert_throttled(client.get("/api/v1/keys"))
    # Another address has its own count.
    assert client.get("/api/v1/keys", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_api_is_limited_per_key(api_for, settings):
    settings.ZHONGHE_API_RATE = "2/min"
    organiser, seller = api_for("organiser"), api_for("seller")
    assert [organiser.get("/me").status_code for _ in range(2)] == [200, 200]
    assert_throttled(organiser.get("/me"))
    assert seller.get("/me").status_code == 200, "one key's use counted against another key"


def test_a_changed_limit_applies_at_once(api_for, settings):
    settings.ZHONGHE_API_RATE = "5/min"
    organiser = api_for("organiser")
    assert all(organiser.get("/me").status_code == 200 for _ in range(5))
    assert organiser.get("/me").status_code == 429


def test_client_address_behind_a_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1")
    settings.NINJA_NUM_PROXIES = None
    assert client_address(request) == "127.0.0.1", "X-Forwarded-For trusted without a configured proxy"
    settings.NINJA_NUM_PROXIES = 1
    assert client_address(request) == "198.51.100.1"
    settings.NINJA_NUM_PROXIES = 2
    assert client_address(request) == "203.0.113.9"
