"""Activity data add/delete. htmx requests get the stage's partial back; plain POSTs redirect (PRG)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhonghe.events.models import Stage
from zhonghe.footprints.services import activity_add, activity_delete
from zhonghe.lib.errors import ApplicationError
from zhonghe.web.access import apply_error, member_view
from zhonghe.web.pages import Bound, activity_stage_page, event_detail_page
from zhonghe.web.views_events import event_url, render_event

PARTIAL = "web/_activity_stage.html"


def _stage(stage: str) -> str:
    if stage not in Stage.values:
        raise Http404(stage)
    return stage


def _done(request, code, stage: str, message: str):
    messages.success(request, message)
    if request.htmx:
        return render(request, PARTIAL, activity_stage_page(request.actor, code, stage))
    return redirect(event_url(code, tab=stage, anchor="activities"))


@require_POST
@member_view
def activity_new(request, code, stage, kind):
    """kind "qty" (quantity × factor) or "travel" (trips × distance)."""
    stage = _stage(stage)
    if kind not in ("qty", "travel"):
        raise Http404(kind)
    ctx = event_detail_page(request.actor, code, tab=stage, bound=Bound(f"{kind}:{stage}", request.POST))
    form, status = ctx["bound_form"], 422
    if form.is_valid():
        try:
            activity_add(actor=request.actor, code=code, stage=stage, **form.cleaned_data)
        except ApplicationError as exc:
            status = apply_error(form, exc)
        else:
            return _done(request, code, stage, _("已添加活动数据"))
    if request.htmx:
        st = next(s for s in ctx["stages"] if s["stage"] == stage)
        return render(request, PARTIAL, {"event": ctx["event"], "st": st}, status=status)
    return render_event(request, ctx, status, _("活动数据未保存，请检查标出的字段"))


@require_POST
@member_view
def activity_remove(request, code, stage, activity_code):
    stage = _stage(stage)
    try:
        activity_delete(actor=request.actor, code=code, activity_code=activity_code)
    except ApplicationError as exc:
        if request.htmx:
            ctx = activity_stage_page(request.actor, code, stage)
            return render(request, PARTIAL, {**ctx, "error": exc.message}, status=exc.http_status)
        return render_event(request, event_detail_page(request.actor, code, tab=stage), exc.http_status, exc.message)
    return _done(request, code, stage, _("已删除活动数据"))
