"""The event page's retire form (beneficiary, reason, exact serial ranges, like the API), the external
cancellation form with its proof upload, and the bureau's review page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhonghe.events.models import Status
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.registry.models import ExternalCancellation, ExternalStatus, Retirement
from zhonghe.registry.tests.external_builders import proof_pdf
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(actors):
    project = project_with_credits(actors, 100)
    buy(actors, project, 20)
    event, _ = accounted_event(actors.organiser)  # needs 13 t
    return event, project


def _retire(client, event, **fields):
    data = {"idempotency_key": "", "quantity_t": "3", "reason": "抵消", "confirm": "on", **fields}
    return client.post(reverse("web:event_retire", kwargs={"code": event.code}), data)


def test_retire_page_takes_beneficiary_and_exact_range(actors, setup):
    event, project = setup
    client = login("organiser")
    page = client.get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    assert 'data-testid="field-beneficiary_name"' in page and 'data-testid="field-serial_first"' in page
    response = _retire(
        client,
        event,
        project_code=project.code,
        beneficiary_name="重庆某志愿者协会",
        serial_first=f"{project.code}-000000006",
        serial_last=f"{project.code}-000000008",
    )
    assert response.status_code == 302
    [r] = Retirement.objects.all()
    assert (r.block.serial_first, r.block.serial_last, r.beneficiary_name) == (6, 8, "重庆某志愿者协会")


@pytest.mark.parametrize(
    "fields",
    [
        {"serial_first": "{p}-000000006"},  # one end only
        {"serial_first": "WRONG-1", "serial_last": "WRONG-3"},
        {"serial_first": "{p}-000000019", "serial_last": "{p}-000000021"},  # 21 not held
        {"beneficiary_name": "某单位", "beneficiary_uscc": "123"},
    ],
)
def test_retire_page_refusals_show_and_write_nothing(actors, setup, fields):
    event, project = setup
    fields = {k: v.format(p=project.code) for k, v in fields.items()}
    response = _retire(login("organiser"), event, project_code=project.code, **fields)
    assert response.status_code in (409, 422)
    assert 'data-testid="retire-more"' in response.content.decode()
    assert Retirement.objects.count() == 0


def _external(client, event, proof, **fields):
    data = {
        "registry": "ccer_national",
        "serial_first": "901",
        "serial_last": "913",
        "quantity_t": "13",
        "cancelled_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "proof_number": "NCSC-ZX-0001",
        "proof": SimpleUploadedFile("证明.pdf", proof),
        **fields,
    }
    return client.post(reverse("web:event_external", kwargs={"code": event.code}), data)


def test_external_recorded_on_the_page_and_confirmed_by_the_bureau(actors, setup):
    event, _project = setup
    response = _external(login("organiser"), event, proof_pdf("page"))
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ExternalCancellation.objects.get()
    bureau = login("bureau")
    review = bureau.get(reverse("web:external_review")).content.decode()
    assert record.number in review
    url = reverse("web:external_decide", kwargs={"record_code": record.code, "decision": "confirm"})
    assert bureau.post(url).status_code == 302
    record.refresh_from_db()
    event.refresh_from_db()
    assert (record.status, event.status) == (ExternalStatus.CONFIRMED, Status.OFFSET)
    page = login("organiser").get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    assert 'data-testid="externals"' in page and 'data-status="confirmed"' in page


def test_external_page_refusals(actors, setup):
    event, _project = setup
    client = login("organiser")
    assert _external(client, event, b"GIF89a....").status_code == 422
    assert _external(client, event, proof_pdf("x"), quantity_t="12").status_code == 422
    assert ExternalCancellation.objects.count() == 0
    assert _external(client, event, proof_pdf("x")).status_code == 302
    again = _external(client, event, proof_pdf("y"), serial_first="905", serial_last="917")
    assert again.status_code == 409 and "ZH-X-" in again.content.decode()
    assert ExternalCancellation.objects.count() == 1


def test_review_needs_the_bureau_and_a_reject_reason(actors, setup):
    event, _project = setup
    assert _external(login("organiser"), event, proof_pdf("r")).status_code == 302
    record = ExternalCancellation.objects.get()
    assert login("organiser").get(reverse("web:external_review")).status_code == 403
    url = reverse("web:external_decide", kwargs={"record_code": record.code, "decision": "reject"})
    assert login("bureau").post(url, {"note": ""}).status_code == 422
    assert login("bureau").post(url, {"note": "证明不清晰"}).status_code == 302
    record.refresh_from_db()
    assert record.status == ExternalStatus.REJECTED
