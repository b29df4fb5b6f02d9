"""Read side of the plan pages: reduction scenarios and measures, plan vs actual, the public 计划书.

Organiser pages reach the event through events.selectors.event_get (another organisation's event is
NotFound); the public page through plans.selectors.plan_published_get (unpublished is NotFound).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.engine.scenarios import THRESHOLD_SCENARIOS, InvalidScenario, ScenarioKey
from zhonghe.events.models import Event, Plan, Stage
from zhonghe.events.selectors import event_get
from zhonghe.footprints.services import STAGE_OPEN
from zhonghe.plans.models import EstimateCopy, Scenario
from zhonghe.plans.scenarios import DEFAULT_PARAMETERS, estimate_matches, plan_scenario
from zhonghe.plans.selectors import measures_for_plan, plan_published_get, plan_vs_actual
from zhonghe.plans.services import PLAN_OPEN, stale_measures

HUNDRED = Decimal(100)
SCENARIO_HELP = {
    ScenarioKey.RAIL_FOR_SHORT_FLIGHTS: gettext_lazy(
        "单程距离（申报距离，或两地之间的大圆距离）低于所填公里数的国内航班改乘同一线路的高铁。"
    ),
    ScenarioKey.GREEN_POWER: gettext_lazy(
        "所填比例的电网用电改用绿色电力；按因子库规则，其余电量按剩余电力排放因子计，比例过小时排放不降反升，该读数保持不变。"
    ),
    ScenarioKey.VEGETARIAN_MEALS: gettext_lazy("按份计的餐食中，所填比例改为素食餐。"),
    ScenarioKey.FEWER_PRINTS: gettext_lazy("纸张和印刷品按所填比例减少。"),
    ScenarioKey.SHUTTLE_BUSES: gettext_lazy("小汽车和出租车出行中所填比例的人次改乘接驳大巴（人次取整）。"),
}


def shown_parameter(key: str, parameter: Decimal) -> str:
    """A share as a percentage (50), a threshold in km (800): what the page's input holds."""
    value = parameter if key in THRESHOLD_SCENARIOS else parameter * HUNDRED
    return f"{value.normalize():f}"


def engine_parameter(key: str, text: object) -> Decimal:
    """The page's input (percentage or km) as the engine's parameter; raises InvalidScenario when not a number."""
    try:
        number = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise InvalidScenario(f"not a number: {text!r}") from None
    if not number.is_finite():
        raise InvalidScenario(f"not a finite number: {text!r}")
    return number if key in THRESHOLD_SCENARIOS else number / HUNDRED


def _scenario_rows(event: Event, plan: Plan, query) -> list[dict]:
    adopted = {m.scenario: m for m in measures_for_plan(plan)}
    rows = []
    for key in ScenarioKey:
        error = ""
        given = query.get(key.value)
        try:
            start = adopted[key.value].parameter if key.value in adopted else DEFAULT_PARAMETERS[key]
            parameter = engine_parameter(key, given) if given not in (None, "") else start
            scenario = plan_scenario(event, plan, key, parameter)
        except InvalidScenario:
            error = _("参数超出范围：比例应在0至100之间，距离应在0至100000公里之间")
            parameter = DEFAULT_PARAMETERS[key]
            scenario = plan_scenario(event, plan, key, parameter)
        rows.append(
            {
                "key": key.value,
                "label": Scenario(key.value).label,
                "help": SCENARIO_HELP[key],
                "unit": _("公里") if scenario.is_threshold else "%",
                "shown": shown_parameter(key, parameter),
                "result": scenario.result,
                "error": error,
                "adopted": adopted.get(key.value),
            }
        )
    return rows


def plan_tools_page(actor: Actor, code: object, query) -> dict:
    """Scenarios on the estimate (parameters from `query`), adopted measures, and the copy-to-actual step."""
    event = event_get(actor, code)
    can_edit = actor.has(Role.ORGANISER) and event.organization_id == actor.organization.id
    plan = Plan.objects.filter(event=event).first()
    has_estimate = plan is not None and plan.estimate_kg_co2e is not None
    rows = _scenario_rows(event, plan, query) if has_estimate else []
    current = has_estimate and all(estimate_matches(plan, row["result"]) for row in rows)
    measures = list(measures_for_plan(plan)) if plan else []
    stale = {m.pk for m in stale_measures(plan)} if plan else set()
    before_count = event.activities.filter(stage=Stage.BEFORE).count()
    return {
        "event": event,
        "plan": plan,
        "can_edit": can_edit,
        "plan_open": can_edit and plan is not None and plan.published_at is None and event.status in PLAN_OPEN,
        "has_estimate": has_estimate,
        "estimate_current": current,
        "scenarios": rows,
        "measures": [{"measure": m, "stale": m.pk in stale} for m in measures],
        "copy_open": can_edit and event.status in STAGE_OPEN[Stage.AFTER] and before_count > 0,
        "before_count": before_count,
        "copied_count": EstimateCopy.objects.filter(event=event).count(),
    }


def plan_compare_page(actor: Actor, code: object) -> dict:
    """The latest frozen inventory beside the plan's estimate (None before freezing)."""
    event = event_get(actor, code)
    can_edit = actor.has(Role.ORGANISER) and event.organization_id == actor.organization.id
    return {"event": event, "comparison": plan_vs_actual(event), "can_edit": can_edit}


def plan_public_page(code: object) -> dict:
    published = plan_published_get(code)
    return {"published": published, "event": published.event, "plan": published.plan}
