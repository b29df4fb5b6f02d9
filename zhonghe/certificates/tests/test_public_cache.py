"""The public verification page, rendered once per certificate state (certificates/public_cache.py): a hit asks
the database nothing, gives every visitor a CSRF token of their own, answers 304 to its ETag, and a revocation
shows at once; signed-in visitors and visitors with messages get a fresh rendering."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.middleware.csrf import _does_token_match
from django.test import Client

from zhonghe.api.tests.support import certified_event
from zhonghe.certificates import public_cache
from zhonghe.certificates.services import certificate_revoke
from zhonghe.lib.append_only import drop_guard_sql

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _token(html: str) -> str:
    tokens = set(TOKEN.findall(html)) | set(re.findall(r'"X-CSRFToken": "([^"]+)"', html))
    assert len(tokens) == 1, tokens
    return tokens.pop()


@pytest.fixture
def certificate(actors, settings):
    settings.CERTIFICATE_STATE_TTL_S = 1  # production's default (the test suite asks every time)
    public_cache.clear()
    return certified_event(actors)[1]


def test_a_cached_page_is_the_fresh_page_with_each_visitors_own_token(certificate, django_assert_num_queries):
    url = f"/verify/{certificate.number}/"
    first, second = Client(), Client()
    fresh = first.get(url)
    with django_assert_num_queries(0):
        cached = second.get(url)
    assert fresh.status_code == cached.status_code == 200
    fresh_html, cached_html = fresh.content.decode(), cached.content.decode()
    assert 'data-status="valid"' in cached_html and certificate.signature in cached_html
    assert public_cache.CSRF_PLACEHOLDER not in cached_html
    fresh_token, cached_token = _token(fresh_html), _token(cached_html)
    assert fresh_html.replace(fresh_token, "T") == cached_html.replace(cached_token, "T")
    # Each visitor's token matches the CSRF cookie set for that visitor, not the first visitor's.
    for client, response, token in ((first, fresh, fresh_token), (second, cached, cached_token)):
        secret = response.cookies["csrftoken"].value
        assert _does_token_match(token, secret) and client.cookies["csrftoken"].value == secret
    assert fresh.cookies["csrftoken"].value != cached.cookies["csrftoken"].value
    assert not _does_token_match(cached_token, fresh.cookies["csrftoken"].value)


def test_the_etag_gets_304_and_a_revocation_changes_page_and_etag_at_once(actors, client, certificate):
    url = f"/verify/{certificate.number}/"
    before = client.get(url)
    etag = before["ETag"]
    assert etag.startswith('W/"') and before["Cache-Control"] == "private, no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    certificate_revoke(actor=actors.bureau, number=certificate.number, reason="数据有误")
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200, "a stale 304 after revocation"
    assert 'data-status="revoked"' in after.content.decode() and "数据有误" in after.content.decode()
    assert after["ETag"] != etag
    json_after = client.get(f"/api/v1/certificates/{certificate.number}")
    assert json_after.json()["status"] == "revoked"


def test_each_language_has_its_own_page(client, certificate):
    url = f"/verify/{certificate.number}/"
    chinese = client.get(url).content.decode()
    english = client.get(url + "?lang=en").content.decode()
    assert "碳中和证书核验" in chinese and 'lang="zh-hans"' in chinese
    assert 'lang="en"' in english and "碳中和证书核验" not in english
    assert 'lang="zh-hans"' in Client().get(url).content.decode()


def test_a_signed_in_visitor_gets_a_fresh_page_with_their_navigation(actors, client, certificate):
    url = f"/verify/{certificate.number}/"
    anonymous = client.get(url).content.decode()
    assert 'data-testid="nav-login"' in anonymous
    client.force_login(actors.users.organiser)
    signed_in = client.get(url)
    html = signed_in.content.decode()
    assert 'data-testid="nav-user"' in html and 'data-testid="nav-login"' not in html
    assert "ETag" not in signed_in


def test_other_query_strings_are_rendered_not_cached(client, certificate, django_assert_max_num_queries):
    url = f"/verify/{certificate.number}/?utm_source=qr"
    client.get(url)
    with django_assert_max_num_queries(10) as queries:
        response = client.get(url)
    assert response.status_code == 200 and "ETag" not in response
    assert len(queries.captured_queries) >= 1


def test_unknown_number_is_404_and_nothing_is_remembered_as_a_page(client, db):
    public_cache.clear()
    assert client.get("/verify/ZH-2027-000404/").status_code == 404
    assert public_cache._pages == {}


def test_with_no_memo_every_read_asks_for_the_state_and_sees_any_change(client, certificate, settings):
    from django.test.utils import CaptureQueriesContext

    from zhonghe.certificates.models import Certificate

    settings.CERTIFICATE_STATE_TTL_S = 0
    url = f"/verify/{certificate.number}/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries.captured_queries) == 1  # the state, nothing else
    with connection.cursor() as cursor:  # an update that sends no post_save (as a database owner would)
        for sql in drop_guard_sql(connection.vendor, "certificates_certificate"):
            cursor.execute(sql)
    Certificate.objects.filter(pk=certificate.pk).update(status="superseded")
    html = client.get(url).content.decode()
    assert 'data-status="superseded"' in html and 'data-status="valid"' not in html
    assert "签名无效" not in html  # its signature still verifies: superseded is not forged
