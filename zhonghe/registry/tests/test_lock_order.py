"""The documented lock order (registry/services.py) on PostgreSQL: a seller confirming while the buyer retires.

order_confirm once locked the order through select_related("project", "buyer") without `of=`, so PostgreSQL
also locked the buyer organisation's row FOR UPDATE — a row a retirement by that buyer needs (inserting a block
or ledger entry that references an organisation takes a KEY SHARE lock on it), outside the fixed order.
"""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, transaction
from django.db.models import Sum

from zhonghe.accounts.models import Organization
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.registry.models import BlockStatus, CreditBlock, CreditProject, Order, Retirement
from zhonghe.registry.services import credits_retire, order_confirm, order_create
from zhonghe.registry.tests.test_concurrency import assert_ledger_whole, run_racing

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SELECT … FOR UPDATE)"),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 10


def _second_finishes_while_first_is_open(first, second, timeout: float = 10.0) -> tuple[object, bool]:
    """Hold `first`'s transaction open; return (second's result, whether it finished before first ended)."""
    first_done, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def hold_first() -> None:
        try:
            with transaction.atomic():
                outcome["first"] = first()
                first_done.set()
                release.wait(timeout=60)
        except Exception as exc:  # noqa: BLE001 - inspected below
            outcome["first"] = exc
            first_done.set()
        finally:
            connection.close()

    def run_second() -> None:
        try:
            outcome["second"] = second()
        except Exception as exc:  # noqa: BLE001
            outcome["second"] = exc
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first)
    holder.start()
    assert first_done.wait(timeout=30)
    runner = threading.Thread(target=run_second)
    runner.start()
    runner.join(timeout=timeout)
    finished_early = not runner.is_alive()
    release.set()
    holder.join(timeout=60)
    runner.join(timeout=60)
    assert not isinstance(outcome["first"], Exception), outcome["first"]
    return outcome["second"], finished_early


def _two_projects(actors):
    p = project_with_credits(actors, 10_000)
    q = project_with_credits(actors, 10_000, code="CQCER-2025-0008")
    return p, q


def _nowait_lock(model, pk) -> bool:
    """Whether this connection can lock the row right now (False: another transaction holds it)."""
    try:
        with transaction.atomic():
            model.objects.select_for_update(nowait=True).filter(pk=pk).first()
    except OperationalError:
        return False
    return True


def test_an_open_confirmation_locks_its_order_and_project_but_not_the_buyer(actors):
    p, _q = _two_projects(actors)
    order = order_create(actor=actors.organiser, project_code=p.code, quantity_t=100)
    buyer, seller = actors.orgs.organiser, actors.orgs.seller

    result, finished_early = _second_finishes_while_first_is_open(
        lambda: order_confirm(actor=actors.seller, order_code=order.code),
        lambda: {
            "order": _nowait_lock(Order, order.pk),
            "project": _nowait_lock(CreditProject, p.pk),
            "buyer": _nowait_lock(Organization, buyer.pk),
            "seller": _nowait_lock(Organization, seller.pk),
        },
    )
    assert finished_early
    assert result == {"order": False, "project": False, "buyer": True, "seller": True}
    assert Order.objects.get(pk=order.pk).status == "confirmed"
    assert_ledger_whole(p)


def _race_confirm_and_retire(actors, order_code, event_code, project_code) -> list[object]:
    work = [
        lambda: order_confirm(actor=actors.seller, order_code=order_code),
        lambda: credits_retire(
            actor=actors.organiser, event_code=event_code, project_code=project_code, quantity_t=10, reason="抵消"
        ),
    ]
    return run_racing(2, lambda i: work[i]())


@pytest.mark.parametrize("same_project", [True, False], ids=["same project", "other project"])
def test_confirm_while_the_buyer_retires_never_deadlocks(actors, same_project):
    p, q = _two_projects(actors)
    retire_from = p if same_project else q
    buy(actors, retire_from, 10 * ROUNDS)
    failures = []
    for round_no in range(ROUNDS):
        event = accounted_event(actors.organiser, name=f"活动{round_no}")[0]
        order = order_create(actor=actors.organiser, project_code=p.code, quantity_t=7)
        results = _race_confirm_and_retire(actors, order.code, event.code, retire_from.code)
        failures.extend(r for r in results if isinstance(r, Exception))
    assert failures == []  # no deadlock, no error of any kind
    assert Order.objects.filter(status="confirmed").count() == ROUNDS + 1  # + the set-up purchase
    assert Retirement.objects.aggregate(s=Sum("quantity_t"))["s"] == 10 * ROUNDS
    bought_p = 7 * ROUNDS + (10 * ROUNDS if same_project else 0)
    held_p = CreditBlock.objects.filter(project=p, holder=actors.orgs.organiser).exclude(status=BlockStatus.SUPERSEDED)
    assert held_p.aggregate(s=Sum("quantity_t"))["s"] == bought_p  # no tonne counted twice or lost
    assert_ledger_whole(p)
    assert_ledger_whole(q)
