"""Flow, step 4 — offset: projects issued, credits bought, retired against the inventory; audit clean."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from zhonghe.events.models import Status
from zhonghe.footprints.tests.builders import accounted_event, active_blocks, register_project
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.selectors import holdings_for_org, orders_for_actor, project_catalogue, retirements_for_event
from zhonghe.registry.services import credits_issue, credits_retire, order_confirm, order_create, order_reject

pytestmark = pytest.mark.django_db


def test_buy_and_retire_until_offset(actors):
    cqcer = register_project(actors)
    ccer = register_project(
        actors,
        code="CCER-500101-2024-0003",
        name="万州区分布式光伏发电项目",
        credit_type="CCER",
        origin_tags=["THREE_GORGES"],
        district_code="500101",
        vintage=2024,
    )
    credits_issue(actor=actors.platform, project=cqcer, quantity_t=10)
    credits_issue(actor=actors.platform, project=cqcer, quantity_t=90)
    credits_issue(actor=actors.platform, project=ccer, quantity_t=200)
    assert [(p.code, p.available_t) for p in project_catalogue()] == [(cqcer.code, 100), (ccer.code, 200)]

    event, inventory = accounted_event(actors.organiser)
    assert inventory.required_offset_t == 13

    # A double-clicked order is one order; the seller rejects a mistaken one and confirms the other.
    order = order_create(
        actor=actors.organiser, project_code=cqcer.code, quantity_t=8, event_code=event.code, idempotency_key="buy-1"
    )
    again = order_create(
        actor=actors.organiser, project_code=cqcer.code, quantity_t=8, event_code=event.code, idempotency_key="buy-1"
    )
    assert again.pk == order.pk
    mistaken = order_create(actor=actors.organiser, project_code=ccer.code, quantity_t=500)
    order_reject(actor=actors.seller, order_code=mistaken.code, note="超出可售量")
    order_confirm(actor=actors.seller, order_code=order.code)
    order2 = order_create(actor=actors.organiser, project_code=cqcer.code, quantity_t=7, idempotency_key="buy-2")
    order_confirm(actor=actors.seller, order_code=order2.code)
    assert {o.status for o in orders_for_actor(actors.seller)} == {"confirmed", "rejected"}
    assert active_blocks(actors.orgs.organiser) == [(1, 8), (9, 10), (11, 15)]  # the first issuance ended at 10
    assert holdings_for_org(actors.orgs.organiser) == [
        {
            "project__code": cqcer.code,
            "project__name": cqcer.name,
            "project__credit_type": "CQCER",
            "project__vintage": 2025,
            "quantity_t": 15,
        },
    ]

    def retire(quantity):
        return credits_retire(
            actor=actors.organiser,
            event_code=event.code,
            project_code=cqcer.code,
            quantity_t=quantity,
            reason="2027年绿色发展论坛碳中和",
        )

    retire(9)  # 1–8 and 9
    event.refresh_from_db()
    assert event.status == Status.ACCOUNTED
    retire(4)  # 10 and 11–13
    event.refresh_from_db()
    assert event.status == Status.OFFSET
    ranges = [(r.block.serial_first, r.block.serial_last) for r in retirements_for_event(event)]
    assert ranges == [(1, 8), (9, 9), (10, 10), (11, 13)]
    assert active_blocks(actors.orgs.organiser) == [(14, 15)]
    assert audit_registry() == []
    out = StringIO()
    call_command("registry_audit", stdout=out)
    assert "no violations" in out.getvalue()
