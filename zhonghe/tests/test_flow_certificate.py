"""Flow, the whole chain: apply → plan → account → buy → retire → evaluation → certificate → verification → revoke.

Through the services only (the API flow is test_flow_api.py), with the clock moved to each phase.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from zhonghe.certificates.models import SigningKey
from zhonghe.certificates.services import certificate_issue, certificate_revoke, verify_url
from zhonghe.certificates.signing import load_public_key_pem, verify_canonical
from zhonghe.evaluations.services import (
    evaluation_accept,
    evaluation_conclude,
    evaluation_request,
    evaluation_return,
    finding_add,
    finding_close,
    finding_respond,
)
from zhonghe.evaluations.tests.builders import check_all
from zhonghe.events.models import Status
from zhonghe.events.services import event_create, event_submit, plan_publish, plan_save
from zhonghe.footprints.services import activity_add, inventory_freeze, plan_estimate
from zhonghe.footprints.tests.builders import TZ, event_fields, register_project
from zhonghe.lib.errors import Conflict
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.services import credits_issue, credits_retire, order_confirm, order_create

pytestmark = pytest.mark.django_db


def at(month, day, hour=10):
    return time_machine.travel(datetime(2027, month, day, hour, tzinfo=TZ), tick=False)


def test_whole_chain(actors, client):
    organiser, seller, admin = actors.organiser, actors.seller, actors.platform
    project = register_project(actors)
    credits_issue(actor=admin, project=project, quantity_t=5000)

    with at(1, 15):  # apply
        event = event_create(actor=organiser, **event_fields(name="2027年重庆市绿色低碳发展论坛"))
        event = event_submit(actor=organiser, code=event.code)
    assert (event.obliged, event.deadline) == (True, date(2027, 4, 11))

    with at(2, 1):  # plan
        plan_save(actor=organiser, code=event.code, boundary="会场能源、交通、住宿")
        activity_add(
            actor=organiser,
            code=event.code,
            stage="before",
            category="electricity",
            factor_key="electricity.grid",
            quantity="20000",
        )
        assert plan_estimate(actor=organiser, code=event.code).estimate_kg_co2e == Decimal("11162.000")
        plan_publish(actor=organiser, code=event.code)

    with at(3, 10, 20):  # actual data on the first evening; not yet freezable
        activity_add(
            actor=organiser,
            code=event.code,
            stage="after",
            category="electricity",
            factor_key="electricity.grid",
            quantity="18500",
        )
        activity_add(
            actor=organiser,
            code=event.code,
            stage="after",
            category="lodging",
            factor_key="lodging.hotel_room_night",
            quantity="260",
        )
        with pytest.raises(Conflict):
            inventory_freeze(actor=organiser, code=event.code)

    with at(3, 13):  # account: 10,324.850 + 17,295.200 = 27,620.050 kg → 28 t
        inventory = inventory_freeze(actor=organiser, code=event.code)
    assert (inventory.total_kg_co2e, inventory.total_t_co2e, inventory.required_offset_t) == (
        Decimal("27620.050"),
        Decimal("27.620"),
        28,
    )

    with at(3, 20):  # buy and retire
        order = order_create(
            actor=organiser,
            project_code=project.code,
            quantity_t=28,
            event_code=event.code,
            idempotency_key="forum-2027",
        )
        order_confirm(actor=seller, order_code=order.code)
        with pytest.raises(Conflict) as info:
            certificate_issue(actor=organiser, event_code=event.code)
        assert info.value.code == "insufficient_offset"
        credits_retire(
            actor=organiser,
            event_code=event.code,
            project_code=project.code,
            quantity_t=28,
            reason="用于2027年重庆市绿色低碳发展论坛碳中和",
        )

    with at(3, 21):  # evaluation: the organiser invites the verifier, which sends the event back once
        evaluation = evaluation_request(
            actor=organiser, event_code=event.code, mode="third_party", verifier_uscc=actors.orgs.verifier.uscc
        )
        finding = finding_add(
            actor=actors.verifier, evaluation_code=evaluation.code, severity="major", text="住宿数据缺少酒店账单"
        )
        evaluation_return(actor=actors.verifier, evaluation_code=evaluation.code, note="请补充酒店账单")
        with pytest.raises(Conflict):
            certificate_issue(actor=organiser, event_code=event.code)
        finding_respond(actor=organiser, finding_code=finding.code, response="已补充酒店账单（260间夜）")
        evaluation_request(actor=organiser, event_code=event.code, mode="third_party")
        finding_close(actor=actors.verifier, finding_code=finding.code)
        check_all(actors.verifier, evaluation)
        evaluation_conclude(actor=actors.verifier, evaluation_code=evaluation.code, conclusion="已实现碳中和")
    with at(3, 24):  # the bureau accepts
        evaluation_accept(actor=actors.bureau, evaluation_code=evaluation.code)

    with at(3, 25):  # certify, well before the deadline
        cert = certificate_issue(actor=organiser, event_code=event.code)
    assert cert.late is False and cert.evaluation == evaluation
    event.refresh_from_db()
    assert event.status == Status.CERTIFIED
    assert date(2027, 3, 25) <= event.deadline
    assert cert.number == "ZH-2027-000001"
    assert cert.payload["inventory"]["hash"] == inventory.data_hash
    assert cert.payload["offsets"]["retirements"][0]["serial_first"] == f"{project.code}-000000001"
    assert cert.payload["offsets"]["retirements"][0]["serial_last"] == f"{project.code}-000000028"
    assert audit_registry() == []
    assert list(event.transitions.values_list("to_status", flat=True)) == [
        "submitted",
        "planned",
        "accounted",
        "offset",
        "evaluating",
        "accounted",  # sent back for corrections
        "evaluating",
        "evaluated",
        "accepted",
        "certified",
    ]

    # Anyone verifies: the page, the PDF, and the signature with only the published public key.
    public_key = load_public_key_pem(SigningKey.objects.get(key_id=cert.key_id).public_key_pem)
    assert verify_canonical(cert.payload_canonical, cert.signature, public_key)
    page = client.get(verify_url(cert.number).removeprefix("http://testserver"))
    assert page.status_code == 200 and 'data-status="valid"' in page.content.decode()
    pdf = client.get(f"/verify/{cert.number}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # The bureau revokes; the certificate stays visible, as revoked.
    certificate_revoke(actor=actors.bureau, number=cert.number, reason="核查发现数据错误")
    page = client.get(f"/verify/{cert.number}/")
    assert page.status_code == 200 and 'data-status="revoked"' in page.content.decode()
