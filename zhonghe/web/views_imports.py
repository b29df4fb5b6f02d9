"""Spreadsheet import pages: upload, progress (htmx polling), errors, place confirmation, commit, result."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhonghe.imports import services
from zhonghe.imports.models import Import
from zhonghe.imports.responses import annotated_response, template_response
from zhonghe.imports.selectors import import_get, imports_for_event, own_event
from zhonghe.lib.errors import ApplicationError
from zhonghe.web.access import apply_error, member_view
from zhonghe.web.forms_imports import ImportUploadForm

MATCH_LABELS = {
    "correction": _lazy("已更正"), "adcode": _lazy("行政区划代码"), "exact": _lazy("全称"),
    "short_name": _lazy("简称"), "full_name": _lazy("省市全称"), "pinyin": _lazy("拼音"),
    "iata": _lazy("机场三字码"), "icao": _lazy("机场四字码"), "airport_name": _lazy("机场名称"),
    "station": _lazy("火车站"),
}  # fmt: skip


def _url(name: str, found: Import) -> str:
    return reverse(f"web:{name}", kwargs={"code": found.event.code, "import_code": found.code})


def _context(request, found: Import) -> dict:
    english = (get_language() or "").startswith("en")
    errors = [{**e, "message": e["message_en" if english else "message_zh"]} for e in found.errors]
    places = [{**p, "index": i, "match_label": MATCH_LABELS.get(p["match"], "—")} for i, p in enumerate(found.places)]
    return {"event": found.event, "found": found, "errors": errors, "places": places}


@require_http_methods(["GET", "POST"])
@member_view
def import_new(request, code):
    event = own_event(request.actor, code)
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial={"stage": request.GET.get("stage")})
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            found = services.import_create(
                actor=request.actor, code=code, kind=form.cleaned_data["kind"], stage=form.cleaned_data["stage"],
                data=upload.read(), file_name=upload.name, idempotency_key=form.cleaned_data["idempotency_key"],
            )  # fmt: skip
        except ApplicationError as exc:
            status = apply_error(form, exc)
        else:
            return redirect(_url("import_detail", found))
    elif request.method == "POST":
        status = 422
    recent = imports_for_event(request.actor, code)[:10]
    return render(request, "web/imports/new.html", {"event": event, "form": form, "recent": recent}, status=status)


@require_GET
@member_view
def import_detail(request, code, import_code):
    return render(request, "web/imports/detail.html", _context(request, import_get(request.actor, code, import_code)))


@require_GET
@member_view
def import_progress(request, code, import_code):
    """The progress bar, polled every second while a worker runs; once done, htmx reloads the page."""
    found = import_get(request.actor, code, import_code)
    if not found.busy:
        response = HttpResponse("")
        response["HX-Redirect"] = _url("import_detail", found)
        return response
    return render(request, "web/imports/_progress.html", {"found": found})


@require_POST
@member_view
def import_places(request, code, import_code):
    found = import_get(request.actor, code, import_code)
    corrections = {}
    for index, place in enumerate(found.places):
        other = request.POST.get(f"other-{index}", "").strip()
        chosen = other or request.POST.get(f"code-{index}", "").strip()
        if chosen:
            corrections[place["text"]] = chosen
    return _act(request, found, lambda: services.import_places_confirm(
        actor=request.actor, code=code, import_code=import_code, corrections=corrections), _("地点已确认"))  # fmt: skip


@require_POST
@member_view
def import_commit(request, code, import_code):
    found = import_get(request.actor, code, import_code)
    return _act(request, found, lambda: services.import_commit(
        actor=request.actor, code=code, import_code=import_code), _("已导入活动数据"))  # fmt: skip


def _act(request, found: Import, action, done: str):
    try:
        action()
    except ApplicationError as exc:
        context = {**_context(request, found), "error": exc.message}
        return render(request, "web/imports/detail.html", context, status=exc.http_status)
    messages.success(request, done)
    return redirect(_url("import_detail", found))


@require_GET
@member_view
def import_annotated(request, code, import_code):
    return annotated_response(import_get(request.actor, code, import_code))


@require_GET
@member_view
def import_template(request, kind, file_format):
    return template_response(kind, file_format)
