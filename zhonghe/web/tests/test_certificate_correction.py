"""Through the event page: the organiser reopens a certified event for correction, and once the corrected
inventory is evaluated and accepted, re-issues: the new certificate supersedes the old one."""

from __future__ import annotations

import pytest
import time_machine

from zhonghe.certificates.models import Certificate, CertificateStatus
from zhonghe.certificates.services import certificate_issue
from zhonghe.evaluations.tests.builders import accepted_evaluation
from zhonghe.events.models import Status
from zhonghe.footprints.services import inventory_freeze
from zhonghe.footprints.tests.builders import AFTER_EVENT, accounted_event, add_electricity, buy, project_with_credits
from zhonghe.registry.services import credits_retire
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(actors):
    project = project_with_credits(actors, 100)
    event, inventory = accounted_event(actors.organiser)
    buy(actors, project, 40)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=project.code,
                   quantity_t=inventory.required_offset_t, reason="抵消")  # fmt: skip
    accepted_evaluation(actors, event)
    return project, event, certificate_issue(actor=actors.organiser, event_code=event.code)


def test_reopen_and_reissue_through_the_page(actors, certified):
    project, event, old = certified
    client = login("organiser")
    url = f"/events/{event.code}/"
    assert 'data-testid="certificate-correction-form"' in client.get(url).content.decode()
    refused = client.post(f"{url}certificate/correction/", {"reason": "  "}, follow=True)
    assert "请填写更正原因" in refused.content.decode()
    event.refresh_from_db()
    assert event.status == Status.CERTIFIED
    client.post(f"{url}certificate/correction/", {"reason": "遗漏了一张电费单"})
    event.refresh_from_db()
    assert event.status == Status.ACCOUNTED

    add_electricity(actors.organiser, event.code, "after", "10000")
    with time_machine.travel(AFTER_EVENT, tick=False):
        inventory_freeze(actor=actors.organiser, code=event.code)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=6,
                   reason="补足")  # fmt: skip
    accepted_evaluation(actors, event)
    page = client.get(url).content.decode()
    assert 'data-testid="certificate-reissue"' in page
    token = "reissue-token-1"
    form = {"confirm": "on", "idempotency_key": token}
    client.post(f"{url}actions/issue_certificate/", form)
    client.post(f"{url}actions/issue_certificate/", form)  # a double click
    old.refresh_from_db()
    assert Certificate.objects.filter(event=event).count() == 2
    new = Certificate.objects.get(event=event, status=CertificateStatus.VALID)
    assert (old.status, old.superseded_by) == (CertificateStatus.SUPERSEDED, new)


def test_others_cannot_reopen(actors, certified):
    _project, event, _old = certified
    response = login("seller").post(f"/events/{event.code}/certificate/correction/", {"reason": "x"})
    assert response.status_code == 403  # not an organiser
    event.refresh_from_db()
    assert event.status == Status.CERTIFIED
