"""A hand-built data set with answers worked out by hand (see test_figures.py for the expected figures).

Events go through event_create + event_submit (so the obligation and the deadline are the services' own);
the later workflow (certificates, the correction that made an event obliged) is arranged directly on the rows,
because only the read side is under test here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from zhonghe.accounts.selectors import actor_for_user
from zhonghe.accounts.services import organization_create, user_create
from zhonghe.accounts.uscc import make_uscc
from zhonghe.certificates.models import Certificate
from zhonghe.events.models import Event, Status
from zhonghe.events.services import event_create, event_submit
from zhonghe.footprints.models import InventoryVersion
from zhonghe.footprints.source_totals import source_totals_write

TODAY = date(2028, 3, 1)  # the day after a leap day


def _event(actor, name, end, participants=600, kind="forum", district="500103"):
    e = event_create(
        actor=actor, name=name, kind=kind, meeting_class=2, expected_participants=participants,
        area_m2=Decimal("3000"), venue_district=district, start_date=end, end_date=end,
    )  # fmt: skip
    return event_submit(actor=actor, code=e.code)


def certify(event: Event, *, late: bool, total_kg: str = "1000.000", version: int = 1) -> Certificate:
    inventory = InventoryVersion.objects.create(
        event=event, version=version, data_hash="a" * 64, release_code="TEST", release_hash="b" * 64,
        method_version="test", total_kg_co2e=Decimal(total_kg), total_t_co2e=Decimal(total_kg) / 1000,
        required_offset_t=1, activities=[], lines=[], by_source_kg={"electricity": total_kg},
    )  # fmt: skip
    source_totals_write(inventory)  # as inventory_freeze does
    Event.objects.filter(pk=event.pk).update(status=Status.CERTIFIED)
    issued = datetime.combine(event.deadline, time(10), tzinfo=UTC)
    return Certificate.objects.create(
        number=f"T-{event.pk}", event=event, inventory=inventory, payload={}, payload_canonical="{}",
        signature="x", key_id="test", issued_at=issued, late=late,
    )  # fmt: skip


def district_actor(actors):
    org = organization_create(
        name="渝中区某街道办事处", kind="agency", level="district", district_code="500103",
        uscc=make_uscc("11500103" + "MB777777"), department="渝中区人民政府",
    )  # fmt: skip
    user = user_create(username="district", password="pass-1234", organization=org, roles=["organiser"])
    return actor_for_user(user)


def build(actors) -> dict[str, Event]:
    type(actors.orgs.organiser).objects.filter(pk=actors.orgs.organiser.pk).update(department="市商务委")
    type(actors.orgs.outsider).objects.filter(pk=actors.orgs.outsider.pk).update(department="市国资委")
    district = district_actor(actors)
    ev = {
        # deadline = end + 1 calendar month, clamped to the month's end; 2028 is a leap year.
        "e1": _event(actors.organiser, "一月末的论坛", date(2028, 1, 31)),  # → 2028-02-29: overdue on 03-01
        "e2": _event(actors.organiser, "2027年一月末的论坛", date(2027, 1, 31)),  # → 2027-02-28, certified on time
        "e3": _event(actors.organiser, "闰日的论坛", date(2028, 2, 29)),  # → 2028-03-29: open, not yet due
        "e4": _event(actors.outsider, "国企的二月论坛", date(2028, 2, 7)),  # → 2028-03-07: due within 7 days
        "e5": _event(actors.outsider, "国企的一月论坛", date(2028, 1, 30)),  # → 2028-02-29, certified late
        "e6": _event(district, "区县的二月论坛", date(2028, 2, 8)),  # → 2028-03-08: the 7th day, still due soon
        "e7": _event(district, "区县的小型会议", date(2028, 2, 1), participants=40, kind="meeting"),  # not obliged
        "e8": _event(district, "更正后须开展的会议", date(2027, 12, 31), participants=40, kind="meeting"),
    }
    # e8 was not obliged when submitted; a correction (more participants) made it obliged: → 2028-01-31, overdue.
    Event.objects.filter(pk=ev["e8"].pk).update(obliged=True, expected_participants=400)
    event_create(
        actor=actors.organiser, name="草稿不计入", kind="forum", meeting_class=2, expected_participants=600,
        venue_district="500103", start_date=date(2028, 1, 1), end_date=date(2028, 1, 1),
    )  # fmt: skip
    certify(ev["e2"], late=False)
    certify(ev["e5"], late=True)
    return {k: Event.objects.get(pk=e.pk) for k, e in ev.items()}
