"""What the database itself refuses (issue 8 item 8), and registry_audit's exit status on the new kinds."""

from __future__ import annotations

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from zhonghe.footprints.tests.builders import AFTER_EVENT, accounted_event, project_with_credits
from zhonghe.registry.models import CreditBlock, ExternalCancellation
from zhonghe.registry.tests.external_builders import record

pytestmark = pytest.mark.django_db


def _refused_by_db(queryset, **changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**changes)


def test_block_status_must_be_known(actors):
    project_with_credits(actors, 10)
    _refused_by_db(CreditBlock.objects.all(), status="lost")


@pytest.fixture
def external(actors):
    event, _ = accounted_event(actors.organiser)
    with time_machine.travel(AFTER_EVENT.replace(day=22), tick=False):
        first = record(actors.organiser, event, first=1, last=13)
        second = record(actors.organiser, event, first=100, last=112)
    return first, second


@pytest.mark.parametrize(
    "changes",
    [
        {"quantity_t": 12},
        {"serial_first": 0},
        {"status": "approved"},
        {"registry": "verra"},
    ],
)
def test_external_record_shape_is_held_by_the_database(external, changes):
    _refused_by_db(ExternalCancellation.objects.filter(pk=external[0].pk), **changes)


def test_the_same_live_proof_or_first_serial_twice_is_refused_by_the_database(external):
    first, second = external
    _refused_by_db(ExternalCancellation.objects.filter(pk=second.pk), proof_sha256=first.proof_sha256)
    _refused_by_db(ExternalCancellation.objects.filter(pk=second.pk), serial_first=1, serial_last=13)


def test_registry_audit_fails_on_a_planted_external_overlap(external):
    _first, second = external
    ExternalCancellation.objects.filter(pk=second.pk).update(serial_first=5, serial_last=17)
    with pytest.raises(CommandError, match="1 registry violation"):
        call_command("registry_audit")
