"""The bureau revokes a certificate from the event page; the organiser cannot; refusals write nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhonghe.api.tests.support import certified_event
from zhonghe.certificates.models import Certificate
from zhonghe.events.models import Event
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(actors):
    return certified_event(actors)


def _urls(event):
    return (
        reverse("web:event_detail", kwargs={"code": event.code}),
        reverse("web:certificate_revoke", kwargs={"code": event.code}),
    )


def test_only_the_bureau_sees_the_revoke_form(actors, certified):
    event, certificate = certified
    detail, _revoke = _urls(event)
    bureau_page = login("bureau").get(detail).content.decode()
    assert 'data-testid="certificate-revoke-form"' in bureau_page and certificate.number in bureau_page
    organiser_page = login("organiser").get(detail).content.decode()
    assert certificate.number in organiser_page
    assert 'data-testid="certificate-revoke-form"' not in organiser_page


def test_bureau_revokes_and_everyone_sees_it(actors, certified, client):
    event, certificate = certified
    detail, revoke = _urls(event)
    bureau = login("bureau")
    response = bureau.post(revoke, {"confirm": "on", "reason": "核查发现重复计算"})
    assert response.status_code == 302
    assert response["Location"].endswith("#certificate")
    certificate.refresh_from_db()
    event.refresh_from_db()
    assert (certificate.status, certificate.revoke_reason, event.status) == ("revoked", "核查发现重复计算", "accounted")
    organiser_page = login("organiser").get(detail).content.decode()
    assert 'data-testid="certificate-revoked"' in organiser_page and "核查发现重复计算" in organiser_page
    assert "撤销证书" in organiser_page  # the timeline names the move
    verify = client.get(reverse("certificates:verify", args=[certificate.number])).content.decode()
    assert 'data-status="revoked"' in verify and "核查发现重复计算" in verify


def test_refusals_write_nothing(actors, certified):
    event, certificate = certified
    _detail, revoke = _urls(event)
    bureau, organiser, seller = login("bureau"), login("organiser"), login("seller")  # logging in writes
    before = db_snapshot()
    response = bureau.post(revoke, {"confirm": "on", "reason": ""})
    assert response.status_code == 422
    assert 'data-testid="certificate-revoke-form"' in response.content.decode()
    assert organiser.post(revoke, {"confirm": "on", "reason": "自己撤销"}).status_code == 403
    assert seller.post(revoke, {"confirm": "on", "reason": "x"}).status_code == 404  # not their event
    assert_nothing_written(before)
    assert Certificate.objects.get().status == "valid"
    assert Event.objects.get(pk=event.pk).status == "certified"


def test_revoke_without_a_valid_certificate_is_404(actors, certified):
    event, certificate = certified
    _detail, revoke = _urls(event)
    bureau = login("bureau")
    assert bureau.post(revoke, {"confirm": "on", "reason": "第一次"}).status_code == 302
    before = db_snapshot()
    assert bureau.post(revoke, {"confirm": "on", "reason": "第二次"}).status_code == 404
    assert_nothing_written(before)


def test_revoking_needs_the_confirmation_box(actors, certified):
    event, _certificate = certified
    _detail, revoke = _urls(event)
    bureau = login("bureau")
    before = db_snapshot()
    response = bureau.post(revoke, {"reason": "核查发现重复计算"})
    assert response.status_code == 422 and "请勾选确认后再提交" in response.content.decode()
    assert_nothing_written(before)
