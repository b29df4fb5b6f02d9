"""Registry invariants (issue 8 item 8): listing reservations in registry_audit, and a hypothesis state machine
of random issue/list/order/confirm/decline/expire/cancel/retire/cancel-externally/review/invalidate steps checking
every invariant after each step.

Per project: issued = active (free + reserved by listings + held by buyers) + retired + cancelled + invalidated;
per listing: reserved = Σ pending orders, sold = Σ confirmed orders; live external claims never overlap within a
registry nor share a proof; each event's covered tonnes = its still-retired blocks + its confirmed external ones.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from zhonghe.evaluations.offsets import offset_covered_t
from zhonghe.footprints.tests.builders import accounted_event, register_project
from zhonghe.lib.errors import ApplicationError
from zhonghe.registry.audit import audit_listings, audit_registry
from zhonghe.registry.external import external_cancellation_confirm, external_cancellation_reject
from zhonghe.registry.invalidation import credits_invalidate
from zhonghe.registry.listings import listing_create, order_cancel, orders_expire
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    ExternalCancellation,
    ExternalStatus,
    LedgerEntry,
    Listing,
    Order,
    OrderStatus,
)
from zhonghe.registry.services import credits_issue, credits_retire, order_confirm, order_create, order_reject
from zhonghe.registry.tests.external_builders import proof_pdf, record

UNTIL = dt.timedelta(days=30)


def _listing(actors, project, quantity_t):
    return listing_create(
        actor=actors.seller,
        project_code=project.code,
        listing_type="credits",
        quantity_t=quantity_t,
        unit_price_cny=Decimal("10"),
        valid_until=timezone.localdate() + UNTIL,
    )


@pytest.mark.django_db
def test_tampered_reservation_is_reported_and_the_command_fails(actors):
    project = register_project(actors)
    credits_issue(actor=actors.platform, project=project, quantity_t=100)
    listing = _listing(actors, project, 50)
    order_create(actor=actors.organiser, listing_code=listing.code, quantity_t=10)
    assert audit_registry() == []
    Listing.objects.filter(pk=listing.pk).update(reserved_t=3, sold_t=1)
    problems = audit_listings()
    assert any("reserves 3 t but its pending orders hold 10 t" in p for p in problems)
    assert any("sold 1 t but its confirmed orders total 0 t" in p for p in problems)
    with pytest.raises(CommandError, match="registry violation"):
        call_command("registry_audit")


@pytest.mark.django_db
def test_promising_more_than_held_is_reported(actors):
    project = register_project(actors)
    credits_issue(actor=actors.platform, project=project, quantity_t=100)
    listing = _listing(actors, project, 100)
    Listing.objects.filter(pk=listing.pk).update(quantity_t=150)
    assert any("promised 150 t to listings but holds 100 t" in p for p in audit_listings())


@pytest.mark.django_db
def test_a_seller_cannot_retire_tonnes_promised_to_its_listing(actors):
    from zhonghe.accounts.actors import Actor
    from zhonghe.footprints.tests.builders import refused
    from zhonghe.lib.errors import Conflict

    both = Actor(organization=actors.orgs.seller, roles=frozenset({"seller", "organiser"}), user=actors.users.seller)
    project = register_project(actors)
    credits_issue(actor=actors.platform, project=project, quantity_t=20)
    _listing(actors, project, 15)
    event, _ = accounted_event(both)
    refused(
        Conflict,
        "insufficient_credits",
        credits_retire,
        actor=both,
        event_code=event.code,
        project_code=project.code,
        quantity_t=6,
        reason="抵消",
    )
    credits_retire(actor=both, event_code=event.code, project_code=project.code, quantity_t=5, reason="抵消")
    assert audit_registry() == []


def _machine_actors() -> SimpleNamespace:
    """The named actors the machine needs (platform, seller, organiser, outsider), built through the services."""
    from zhonghe.accounts.selectors import actor_for_user
    from zhonghe.accounts.services import organization_create, user_create
    from zhonghe.accounts.uscc import make_uscc

    spec = {
        "platform": ("91500000MA3333", "admin"),
        "seller": ("93500156MA7654", "seller"),
        "organiser": ("11500000MB1234", "organiser"),
        "outsider": ("91500000MA2222", "organiser"),
    }
    made = SimpleNamespace(orgs=SimpleNamespace())
    for name, (prefix, role) in spec.items():
        org = organization_create(
            name=f"单位{name}", kind="other", level="municipal", district_code="500103", uscc=make_uscc(prefix + "00")
        )
        user = user_create(username=f"m-{name}", password="pass-1234", organization=org, roles=[role])
        setattr(made, name, actor_for_user(user))
        setattr(made.orgs, name, org)
    return made


class RegistryMachine(RuleBasedStateMachine):
    """Random sequences of every market and registry move; refusals are fine, broken invariants are not."""

    @initialize()
    def setup(self):
        self.savepoint = transaction.savepoint()  # each example starts from the empty test database
        self.actors = _machine_actors()
        self.project = register_project(self.actors)
        credits_issue(actor=self.actors.platform, project=self.project, quantity_t=150)  # stock from the first step
        self.buyers = [self.actors.organiser, self.actors.outsider]
        self.event, _ = accounted_event(self.actors.organiser, after_kwh="1000000")
        self.other_event, _ = accounted_event(self.actors.outsider, after_kwh="1000000")
        self.clock = timezone.now()
        self.refusals = 0

    def teardown(self):
        if hasattr(self, "savepoint"):
            transaction.savepoint_rollback(self.savepoint)

    def _try(self, call, *args, **kwargs):
        try:
            with time_machine.travel(self.clock, tick=False):
                return call(*args, **kwargs)
        except ApplicationError:
            self.refusals += 1
            return None

    @rule(quantity=st.integers(1, 60))
    def issue(self, quantity):
        self._try(credits_issue, actor=self.actors.platform, project=self.project, quantity_t=quantity)

    @rule(quantity=st.integers(1, 80))
    def list_stock(self, quantity):
        self._try(
            listing_create,
            actor=self.actors.seller,
            project_code=self.project.code,
            listing_type="credits",
            quantity_t=quantity,
            unit_price_cny=Decimal("12.5"),
            valid_until=self.clock.date() + UNTIL,
        )

    @rule(data=st.data(), quantity=st.integers(1, 40), buyer=st.integers(0, 1))
    def order_listing(self, data, quantity, buyer):
        listings = list(Listing.objects.order_by("id"))
        if listings:
            listing = data.draw(st.sampled_from(listings))
            self._try(order_create, actor=self.buyers[buyer], listing_code=listing.code, quantity_t=quantity)

    @rule(quantity=st.integers(1, 40))
    def order_direct(self, quantity):
        self._try(order_create, actor=self.actors.organiser, project_code=self.project.code, quantity_t=quantity)

    @rule(quantity=st.integers(1, 40))
    def buy_directly(self, quantity):
        """order + confirmation in one step, so that later steps often have held credits to retire"""
        order = self._try(
            order_create, actor=self.actors.organiser, project_code=self.project.code, quantity_t=quantity
        )
        if order is not None:
            self._try(order_confirm, actor=self.actors.seller, order_code=order.code)

    def _pending(self, data):
        pending = list(Order.objects.filter(status=OrderStatus.PENDING).order_by("id"))
        return data.draw(st.sampled_from(pending)) if pending else None

    @rule(data=st.data())
    def confirm(self, data):
        if order := self._pending(data):
            self._try(order_confirm, actor=self.actors.seller, order_code=order.code)

    @rule(data=st.data())
    def decline(self, data):
        if order := self._pending(data):
            self._try(order_reject, actor=self.actors.seller, order_code=order.code, note="不出售")

    @rule(data=st.data())
    def cancel(self, data):
        if order := self._pending(data):
            buyer = next(b for b in self.buyers if b.organization.id == order.buyer_id)
            self._try(order_cancel, actor=buyer, order_code=order.code)

    @rule(hours=st.integers(1, 100))
    def time_passes_and_orders_expire(self, hours):
        self.clock += dt.timedelta(hours=hours)
        self._try(orders_expire, now=self.clock)

    @rule(quantity=st.integers(1, 30))
    def retire(self, quantity):
        self._try(
            credits_retire,
            actor=self.actors.organiser,
            event_code=self.event.code,
            project_code=self.project.code,
            quantity_t=quantity,
            reason="抵消",
        )

    @rule(
        who=st.integers(0, 1),
        first=st.integers(1, 80),
        size=st.integers(1, 20),
        registry=st.sampled_from(["ccer_national", "allowance_chongqing"]),
        tag=st.integers(0, 6),
    )
    def cancel_externally(self, who, first, size, registry, tag):
        event = [self.event, self.other_event][who]
        self._try(
            record,
            self.buyers[who],
            event,
            first=first,
            last=first + size - 1,
            registry=registry,
            proof=proof_pdf(f"machine-{tag}"),
            cancelled_on=self.clock.date(),
        )

    @rule(data=st.data(), confirm=st.booleans())
    def review_external(self, data, confirm):
        pending = list(ExternalCancellation.objects.filter(status=ExternalStatus.PENDING).order_by("id"))
        if pending:
            x = data.draw(st.sampled_from(pending))
            if confirm:
                self._try(external_cancellation_confirm, actor=self.actors.platform, code=x.code)
            else:
                self._try(external_cancellation_reject, actor=self.actors.platform, code=x.code, note="不符")

    @rule(data=st.data(), size=st.integers(1, 20))
    def invalidate(self, data, size):
        issued = LedgerEntry.objects.filter(project=self.project, kind="issue").aggregate(m=Max("serial_last"))["m"]
        if not issued:
            return
        first = data.draw(st.integers(1, issued))  # inside what was issued, so it is often allowed
        self._try(
            credits_invalidate,
            actor=self.actors.platform,
            project_code=self.project.code,
            serial_first=first,
            serial_last=first + size - 1,
            reason="核证撤销",
        )

    @invariant()
    def registry_is_whole(self):
        if not hasattr(self, "project"):
            return
        with time_machine.travel(self.clock, tick=False):
            assert audit_registry() == []
        issued = LedgerEntry.objects.filter(project=self.project, kind="issue").aggregate(s=Sum("quantity_t"))["s"] or 0
        by_status = dict(
            CreditBlock.objects.filter(project=self.project)
            .exclude(status=BlockStatus.SUPERSEDED)
            .values_list("status")
            .annotate(s=Sum("quantity_t"))
        )
        reserved = Listing.objects.aggregate(s=Sum("reserved_t"))["s"] or 0
        pending_listed = Order.objects.filter(status=OrderStatus.PENDING, listing__isnull=False)
        assert reserved == (pending_listed.aggregate(s=Sum("quantity_t"))["s"] or 0)
        active, retired = by_status.get(BlockStatus.ACTIVE, 0), by_status.get(BlockStatus.RETIRED, 0)
        invalidated = by_status.get(BlockStatus.INVALIDATED, 0)
        assert issued == active + retired + by_status.get(BlockStatus.CANCELLED, 0) + invalidated
        assert reserved <= active
        event = type(self.event).objects.get(pk=self.event.pk)
        confirmed = ExternalCancellation.objects.filter(event=event, status=ExternalStatus.CONFIRMED)
        assert offset_covered_t(event) == retired + (confirmed.aggregate(s=Sum("quantity_t"))["s"] or 0)


@pytest.mark.django_db
def test_random_registry_sequences_keep_every_invariant():
    run_state_machine_as_test(
        RegistryMachine,
        settings=settings(
            max_examples=12, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
