"""Plan services: copy the estimate into the actual data, adopt/remove reduction measures, publish checked.
Every refusal asserts that nothing was written."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from zhonghe.events.models import ActivityRecord, Plan, Status
from zhonghe.events.services import plan_publish
from zhonghe.footprints.services import activity_add, activity_delete, plan_estimate
from zhonghe.footprints.tests.builders import BEFORE_EVENT, force_status
from zhonghe.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhonghe.plans.models import EstimateCopy, ReductionMeasure
from zhonghe.plans.scenarios import plan_scenario
from zhonghe.plans.services import (
    COPIED_FIELDS,
    plan_estimate_copy,
    plan_publish_checked,
    reduction_measure_adopt,
    reduction_measure_remove,
)
from zhonghe.plans.tests.builders import ESTIMATE, estimated_event, refused

pytestmark = pytest.mark.django_db


def _published(actor, **kw):
    event = estimated_event(actor, **kw)
    with time_machine.travel(BEFORE_EVENT, tick=False):
        plan_publish(actor=actor, code=event.code)
    event.refresh_from_db()
    return event


def test_copy_brings_every_estimate_row_into_the_actual_data(actors):
    event = _published(actors.organiser)
    copies = plan_estimate_copy(actor=actors.organiser, code=event.code)
    before = list(event.activities.filter(stage="before").order_by("id"))
    after = list(event.activities.filter(stage="after").order_by("id"))
    assert len(copies) == len(before) == len(after) == len(ESTIMATE)
    for source, copy in zip(before, after, strict=True):
        assert {n: getattr(copy, n) for n in COPIED_FIELDS} == {n: getattr(source, n) for n in COPIED_FIELDS}
        assert copy.code != source.code and copy.created_by == actors.users.organiser


def test_a_second_copy_refuses_and_a_deleted_copy_is_copied_again(actors):
    event = _published(actors.organiser)
    plan_estimate_copy(actor=actors.organiser, code=event.code)
    refused(Conflict, "estimate_already_copied", plan_estimate_copy, actor=actors.organiser, code=event.code)
    gone = event.activities.filter(stage="after").order_by("id").first()
    activity_delete(actor=actors.organiser, code=event.code, activity_code=gone.code)
    again = plan_estimate_copy(actor=actors.organiser, code=event.code)
    assert len(again) == 1 and again[0].factor_key == gone.factor_key and again[0].quantity == gone.quantity
    assert event.activities.filter(stage="after").count() == len(ESTIMATE)
    assert EstimateCopy.objects.filter(event=event).count() == len(ESTIMATE)


def test_copy_refusals_write_nothing(actors):
    submitted = estimated_event(actors.organiser)
    refused(Conflict, "stage_closed", plan_estimate_copy, actor=actors.organiser, code=submitted.code)
    published = _published(actors.organiser, name="另一场论坛")
    refused(NotFound, "not_found", plan_estimate_copy, actor=actors.outsider, code=published.code)
    refused(PermissionDenied, "permission_denied", plan_estimate_copy, actor=actors.seller, code=published.code)


def test_copy_without_estimate_rows_refuses(actors):
    event = _published(actors.organiser)
    ActivityRecord.objects.filter(event=event, stage="before").delete()  # set-up: a plan whose rows are gone
    refused(Conflict, "no_activities", plan_estimate_copy, actor=actors.organiser, code=event.code)


def test_adopting_a_scenario_stores_the_engines_figures(actors):
    event = estimated_event(actors.organiser)
    plan = Plan.objects.get(event=event)
    measure = reduction_measure_adopt(
        actor=actors.organiser, code=event.code, scenario="vegetarian_meals", parameter="0.5"
    )
    expected = plan_scenario(event, plan, "vegetarian_meals", Decimal("0.5")).result
    assert measure.baseline_kg_co2e == plan.estimate_kg_co2e == expected.baseline_kg_co2e
    assert measure.saving_kg_co2e == expected.saving_kg_co2e > 0
    assert measure.new_kg_co2e == plan.estimate_kg_co2e - measure.saving_kg_co2e
    assert measure.saving_pct == expected.saving_pct
    assert [f["key"] for f in measure.factors] == ["meals.vegetarian"] and measure.factors[0]["source"]
    # Adopting the scenario again replaces its measure.
    again = reduction_measure_adopt(actor=actors.organiser, code=event.code, scenario="vegetarian_meals", parameter="1")
    assert again.pk == measure.pk and again.saving_kg_co2e > measure.saving_kg_co2e
    assert ReductionMeasure.objects.filter(plan=plan).count() == 1


def test_adoption_refusals_write_nothing(actors, settings):
    event = estimated_event(actors.organiser)
    code = event.code
    org = actors.organiser
    refused(ValidationFailed, "validation_failed", reduction_measure_adopt, actor=org, code=code,
            scenario="teleport", parameter="0.5")  # fmt: skip
    refused(ValidationFailed, "invalid_scenario", reduction_measure_adopt, actor=org, code=code,
            scenario="green_power", parameter="1.5")  # fmt: skip
    refused(ValidationFailed, "validation_failed", reduction_measure_adopt, actor=org, code=code,
            scenario="green_power", parameter="abc")  # fmt: skip
    refused(NotFound, "not_found", reduction_measure_adopt, actor=actors.outsider, code=code,
            scenario="green_power", parameter="0.5")  # fmt: skip
    # A share too small to lower the estimate under the residual-mix rule saves nothing.
    refused(Conflict, "no_saving", reduction_measure_adopt, actor=org, code=code,
            scenario="green_power", parameter="0.01")  # fmt: skip
    # The estimate rows changed after the estimate was computed (a write the services never leave behind).
    ActivityRecord.objects.filter(event=event, stage="before", category="meals").update(quantity=Decimal("1"))
    refused(Conflict, "estimate_stale", reduction_measure_adopt, actor=org, code=code,
            scenario="vegetarian_meals", parameter="0.5")  # fmt: skip


def test_a_scenario_without_its_factor_is_unavailable(actors, settings):
    settings.DEFAULT_FACTOR_RELEASE = "CQ-2025"  # method/1: no vegetarian meal factor
    event = estimated_event(actors.organiser, activities=ESTIMATE[:4])
    error = refused(Conflict, "scenario_unavailable", reduction_measure_adopt, actor=actors.organiser,
                    code=event.code, scenario="vegetarian_meals", parameter="0.5")  # fmt: skip
    assert error.fields["factor_key"] == "meals.vegetarian"


def test_published_plans_take_no_new_measures_and_keep_theirs(actors):
    event = estimated_event(actors.organiser)
    measure = reduction_measure_adopt(actor=actors.organiser, code=event.code, scenario="fewer_prints", parameter="0.5")
    with time_machine.travel(BEFORE_EVENT, tick=False):
        plan_publish_checked(actor=actors.organiser, code=event.code)
    refused(Conflict, "plan_published", reduction_measure_adopt, actor=actors.organiser, code=event.code,
            scenario="green_power", parameter="0.5")  # fmt: skip
    refused(Conflict, "plan_published", reduction_measure_remove, actor=actors.organiser, code=event.code,
            measure_code=measure.code)  # fmt: skip


def test_remove_a_measure(actors):
    event = estimated_event(actors.organiser)
    measure = reduction_measure_adopt(actor=actors.organiser, code=event.code, scenario="fewer_prints", parameter="0.5")
    refused(NotFound, "not_found", reduction_measure_remove, actor=actors.outsider, code=event.code,
            measure_code=measure.code)  # fmt: skip
    reduction_measure_remove(actor=actors.organiser, code=event.code, measure_code=measure.code)
    assert not ReductionMeasure.objects.filter(pk=measure.pk).exists()


def test_publish_refuses_measures_computed_on_an_earlier_estimate(actors):
    event = estimated_event(actors.organiser)
    reduction_measure_adopt(actor=actors.organiser, code=event.code, scenario="fewer_prints", parameter="0.5")
    activity_add(actor=actors.organiser, code=event.code, stage="before", category="meals",
                 factor_key="meals.standard", quantity="100")  # fmt: skip
    plan_estimate(actor=actors.organiser, code=event.code)
    refused(Conflict, "measures_stale", plan_publish_checked, actor=actors.organiser, code=event.code)
    reduction_measure_adopt(actor=actors.organiser, code=event.code, scenario="fewer_prints", parameter="0.5")
    with time_machine.travel(BEFORE_EVENT, tick=False):
        published = plan_publish_checked(actor=actors.organiser, code=event.code)
    assert published.status == Status.PLANNED
    assert Plan.objects.get(event=event).published_at == BEFORE_EVENT


def test_publish_is_for_the_organiser_only(actors):
    event = estimated_event(actors.organiser)
    refused(NotFound, "not_found", plan_publish_checked, actor=actors.outsider, code=event.code)
    refused(PermissionDenied, "permission_denied", plan_publish_checked, actor=actors.bureau, code=event.code)
    force_status(event, Status.DRAFT)
    refused(Conflict, "illegal_transition", plan_publish_checked, actor=actors.organiser, code=event.code)
