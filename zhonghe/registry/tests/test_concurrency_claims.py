"""Racing claims on PostgreSQL: the same external proof or overlapping serials recorded at once by several
organisations is claimed once; an invalidation racing retirements never leaves a unit both."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection

from zhonghe.footprints.tests.builders import AFTER_EVENT, accounted_event, buy, project_with_credits
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.external import external_cancellation_record
from zhonghe.registry.invalidation import credits_invalidate
from zhonghe.registry.models import CreditInvalidation, ExternalCancellation, Retirement
from zhonghe.registry.services import credits_retire
from zhonghe.registry.tests.external_builders import proof_pdf
from zhonghe.registry.tests.test_concurrency import THREADS, _is_conflict, assert_ledger_whole, run_racing

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SELECT … FOR UPDATE)"),
    pytest.mark.django_db(transaction=True),
]


def _events(actors):
    owners = [actors.organiser, actors.outsider]
    return [(owners[i % 2], accounted_event(owners[i % 2], name=f"活动{i}")[0]) for i in range(THREADS)]


@pytest.mark.parametrize("same", ["proof", "range"])
def test_duplicate_external_claims_across_organisations_are_recorded_once(actors, same):
    events = _events(actors)

    def work(i: int):
        actor, event = events[i]
        first = 1 if same == "proof" else 1 + i  # ranges 1–20, 2–21, … all overlap
        with time_machine.travel(AFTER_EVENT.replace(day=22), tick=False):
            return external_cancellation_record(
                actor=actor,
                event_code=event.code,
                registry="ccer_national",
                serial_first=first + (100 * i if same == "proof" else 0),
                serial_last=first + 19 + (100 * i if same == "proof" else 0),
                quantity_t=20,
                cancelled_on=AFTER_EVENT.date(),
                proof_number=f"NCSC-{i}",
                proof=proof_pdf("shared" if same == "proof" else f"file-{i}"),
            )

    results = run_racing(THREADS, work)
    winners = [r for r in results if isinstance(r, ExternalCancellation)]
    assert len(winners) == 1, results
    assert all(_is_conflict(r, "already_claimed") for r in results if r not in winners), results
    assert ExternalCancellation.objects.count() == 1
    assert audit_registry() == []


def test_invalidation_racing_retirements_never_double_counts(actors):
    project = project_with_credits(actors, 1000)
    buy(actors, project, 80)
    events = [accounted_event(actors.organiser, name=f"活动{i}")[0] for i in range(THREADS - 1)]

    def work(i: int):
        if i == THREADS - 1:
            return credits_invalidate(
                actor=actors.platform, project_code=project.code, serial_first=1, serial_last=80, reason="撤销"
            )
        return credits_retire(
            actor=actors.organiser, event_code=events[i].code, project_code=project.code, quantity_t=10, reason="抵消"
        )

    results = run_racing(THREADS, work)
    assert not [r for r in results if isinstance(r, Exception) and not _is_conflict(r, "insufficient_credits")]
    assert CreditInvalidation.objects.count() == 1  # every serial was live (held or retired) when it ran
    retired_t = sum(r.quantity_t for r in Retirement.objects.all())
    impacts_t = sum(i.quantity_t for inv in CreditInvalidation.objects.all() for i in inv.impacts.all())
    assert impacts_t == retired_t  # every retirement that won was made before the invalidation, and is flagged
    assert_ledger_whole(project)
