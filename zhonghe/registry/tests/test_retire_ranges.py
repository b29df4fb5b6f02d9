"""credits_retire with an exact serial range (blocks split as needed) and a named beneficiary."""

from __future__ import annotations

import pytest

from zhonghe.accounts.uscc import make_uscc
from zhonghe.footprints.tests.builders import accounted_event, active_blocks, buy, project_with_credits, refused
from zhonghe.lib.errors import Conflict, ValidationFailed
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.models import BlockStatus, CreditBlock
from zhonghe.registry.services import credits_retire

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(actors):
    project = project_with_credits(actors, 1000)
    buy(actors, project, 20)  # the organiser holds 1–20
    buy(actors, project, 10)  # and 21–30 (a second block)
    event, _inventory = accounted_event(actors.organiser)  # needs 13 t
    return event, project


def _retire(actors, event, project, quantity_t, **extra):
    return credits_retire(
        actor=actors.organiser,
        event_code=event.code,
        project_code=project.code,
        quantity_t=quantity_t,
        reason="抵消",
        **extra,
    )


def test_exact_range_inside_one_block_splits_it_in_three(actors, setup):
    event, project = setup
    [retirement] = _retire(actors, event, project, 5, serial_first=6, serial_last=10)
    assert (retirement.block.serial_first, retirement.block.serial_last) == (6, 10)
    assert active_blocks(actors.orgs.organiser, project) == [(1, 5), (11, 20), (21, 30)]
    assert audit_registry() == []


def test_exact_range_across_two_blocks(actors, setup):
    event, project = setup
    retirements = _retire(actors, event, project, 6, serial_first=18, serial_last=23)
    assert [(r.block.serial_first, r.block.serial_last) for r in retirements] == [(18, 20), (21, 23)]
    assert active_blocks(actors.orgs.organiser, project) == [(1, 17), (24, 30)]
    assert audit_registry() == []


@pytest.mark.parametrize(("first", "last"), [(25, 31), (0, 3), (5, 4), (28, 40)])
def test_range_not_held_or_invalid_is_refused(actors, setup, first, last):
    event, project = setup
    quantity = max(last - first + 1, 1)
    code = "serials_not_held" if 1 <= first <= last else "validation_failed"
    refused(
        Conflict if code == "serials_not_held" else ValidationFailed,
        code,
        _retire,
        actors,
        event,
        project,
        quantity,
        serial_first=first,
        serial_last=last,
    )


def test_range_held_by_the_seller_is_not_the_organisers(actors, setup):
    event, project = setup
    refused(Conflict, "serials_not_held", _retire, actors, event, project, 5, serial_first=31, serial_last=35)


def test_range_size_must_match_quantity(actors, setup):
    event, project = setup
    error = refused(
        ValidationFailed, "validation_failed", _retire, actors, event, project, 4, serial_first=1, serial_last=5
    )
    assert "quantity_t" in error.fields


def test_beneficiary_defaults_to_the_organiser(actors, setup):
    event, project = setup
    [r] = _retire(actors, event, project, 1)
    assert (r.beneficiary_name, r.beneficiary_uscc) == (actors.orgs.organiser.name, actors.orgs.organiser.uscc)


def test_named_beneficiary_with_checked_uscc(actors, setup):
    event, project = setup
    uscc = make_uscc("91500000MA3AAAAA")
    [r] = _retire(actors, event, project, 1, beneficiary_name=" 重庆某协会 ", beneficiary_uscc=uscc.lower())
    assert (r.beneficiary_name, r.beneficiary_uscc) == ("重庆某协会", uscc)
    [person] = _retire(actors, event, project, 1, beneficiary_name="张三")
    assert (person.beneficiary_name, person.beneficiary_uscc) == ("张三", "")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"beneficiary_name": "某单位", "beneficiary_uscc": "91500000MA3AAAAA0X"}, "beneficiary_uscc"),
        ({"beneficiary_uscc": "915000000000000000"}, "beneficiary_name"),
        ({"beneficiary_name": "名" * 201}, "beneficiary_name"),
    ],
)
def test_bad_beneficiary_is_refused(actors, setup, extra, field):
    event, project = setup
    error = refused(ValidationFailed, "validation_failed", _retire, actors, event, project, 1, **extra)
    assert field in error.fields


def test_idempotent_range_retirement(actors, setup):
    event, project = setup
    first = _retire(actors, event, project, 3, serial_first=1, serial_last=3, idempotency_key="r-1")
    again = _retire(actors, event, project, 3, serial_first=1, serial_last=3, idempotency_key="r-1")
    assert [r.pk for r in first] == [r.pk for r in again]
    assert CreditBlock.objects.filter(status=BlockStatus.RETIRED).count() == 1
    refused(
        Conflict,
        "idempotency_key_reused",
        _retire,
        actors,
        event,
        project,
        3,
        serial_first=4,
        serial_last=6,
        idempotency_key="r-1",
    )
