"""The public certificate JSON is rendered once per certificate state: same bytes as a fresh rendering,
a strong ETag with 304 on If-None-Match, and a revocation shows at once (the state is read every time)."""

from __future__ import annotations

import pytest

from zhonghe.api import certificate_cache
from zhonghe.api.tests.support import certified_event
from zhonghe.certificates.services import certificate_revoke

pytestmark = pytest.mark.django_db


def test_cached_body_equals_a_fresh_rendering(client, actors):
    _, certificate = certified_event(actors)
    url = f"/api/v1/certificates/{certificate.number}"
    certificate_cache.clear()
    fresh = client.get(url)
    cached = client.get(url)
    assert fresh.status_code == cached.status_code == 200
    assert fresh.content == cached.content
    assert fresh["ETag"] == cached["ETag"] and fresh["ETag"].startswith('"')
    assert fresh["Cache-Control"] == "public, no-cache"
    assert fresh.json()["signature"] == certificate.signature


def test_if_none_match_gets_304(client, actors):
    _, certificate = certified_event(actors)
    url = f"/api/v1/certificates/{certificate.number}"
    etag = client.get(url)["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_revocation_shows_at_once_and_changes_the_etag(client, actors):
    event, certificate = certified_event(actors)
    url = f"/api/v1/certificates/{certificate.number}"
    before = client.get(url)
    assert before.json()["status"] == "valid"
    certificate_revoke(actor=actors.bureau, number=certificate.number, reason="数据有误")
    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200, "a stale 304 after revocation"
    assert after.json()["status"] == "revoked" and after.json()["revoke_reason"] == "数据有误"
    assert after["ETag"] != before["ETag"]


def test_unknown_number_is_the_envelope_404(client, actors):
    response = client.get("/api/v1/certificates/ZH-1999-000404")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
