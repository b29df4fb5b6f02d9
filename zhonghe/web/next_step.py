"""The one next step of an event, as the organiser's event page shows it: a main button and why.

A pure function over the event's state (no database): the page gathers `EventState` and renders the result.
Kinds: "action" posts a workflow action (views_events.ACTIONS), "link" jumps to a section of the page where
the step is done (buying and retiring credits, the evaluation form), "wait" names who acts next, "done" ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhonghe.lib.numbers import format_number
from zhonghe.web.labels import ACTION_LABELS

ACTION, LINK, WAIT, DONE = "action", "link", "wait", "done"


@dataclass(frozen=True)
class EventState:
    status: str
    plan_saved: bool = False  # the organiser has written the plan (Plan row exists)
    plan_published: bool = False
    required_t: int = 0  # whole tonnes to offset (latest frozen inventory); 0 before freezing
    covered_t: int = 0  # evaluations.offsets.offset_covered_t
    has_inventory: bool = False
    evaluation_status: str = ""  # EvaluationStatus of the current evaluation, "" when none


@dataclass(frozen=True)
class NextStep:
    kind: str
    label: str
    why: str
    action: str = ""  # workflow action to post (kind "action")
    anchor: str = ""  # section of the event page (kind "link")


def _offset_or_evaluate(state: EventState) -> NextStep:
    missing_t = state.required_t - state.covered_t
    if missing_t > 0:
        tonnes = {"t": missing_t, "req": state.required_t, "cov": state.covered_t}
        return NextStep(
            LINK,
            _("购买并注销减排量"),
            _("还需注销 %(t)s 吨（应抵消 %(req)s 吨，已注销 %(cov)s 吨）")
            % {name: format_number(value, "credits") for name, value in tonnes.items()},
            anchor="offset",
        )
    if state.evaluation_status == "returned":
        return NextStep(
            LINK, _("整改完成，重新提交评价"), _("核查机构已退回整改，请回复核查发现后重新提交"), anchor="evaluation"
        )
    return NextStep(
        LINK,
        _("申请碳中和评价"),
        _("注销量已达到应抵消量 %(req)s 吨，请申请碳中和评价") % {"req": format_number(state.required_t, "credits")},
        anchor="evaluation",
    )


def next_step(state: EventState) -> NextStep:
    """The single next step for the organiser of an event in `state`."""
    status = state.status
    if status == "draft":
        return NextStep(
            ACTION, str(ACTION_LABELS["submit"]), _("核对活动信息后提交，生态环境局即可看到本活动"), action="submit"
        )
    if status == "submitted":
        if not state.plan_saved:
            return NextStep(LINK, _("填写计划书"), _("发布计划书前，请填写计划书并计算排放预估"), anchor="plan")
        return NextStep(
            ACTION, str(ACTION_LABELS["publish_plan"]), _("计划书已填写，发布后开始录入活动数据"), action="publish_plan"
        )
    if status == "planned" or (status == "accounted" and not state.has_inventory):
        return NextStep(
            ACTION,
            str(ACTION_LABELS["freeze_inventory"]),
            _("录入活动数据后冻结核算结果，得出应抵消量"),
            action="freeze_inventory",
        )
    if status == "accounted":
        return _offset_or_evaluate(state)
    if status == "offset":
        if state.evaluation_status == "returned":
            return _offset_or_evaluate(state)
        return NextStep(LINK, _("申请碳中和评价"), _("抵消已完成，请申请碳中和评价"), anchor="evaluation")
    if status == "evaluating":
        if state.evaluation_status == "waiting":
            return NextStep(WAIT, _("等待指派核查机构"), _("生态环境局指派核查机构后开始评价"))
        return NextStep(WAIT, _("等待核查机构评价"), _("核查机构正在评价，有核查发现时会通知您"))
    if status == "evaluated":
        return NextStep(WAIT, _("等待生态环境局受理"), _("评价结论已签署，等待生态环境局受理"))
    if status == "accepted":
        return NextStep(
            ACTION,
            str(ACTION_LABELS["issue_certificate"]),
            _("评价已受理，颁发后证书公开可查"),
            action="issue_certificate",
        )
    if status == "certified":
        return NextStep(DONE, _("查看证书"), _("碳中和已完成，证书已颁发"), anchor="certificate")
    return NextStep(DONE, _("活动已撤回"), _("已撤回的活动不能再办理"))
