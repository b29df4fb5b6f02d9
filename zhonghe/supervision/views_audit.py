"""The bureau's audit log page: every write on the platform, by object and by actor, paginated."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhonghe.accounts.models import Role
from zhonghe.audit.labels import action_label, actor_label
from zhonghe.audit.selectors import SORTS, actor_names, audit_entries_for_reviewer
from zhonghe.lib.errors import ValidationFailed
from zhonghe.web.access import member_view

PER_PAGE = 50


@require_GET
@member_view
def audit_log(request):
    filters = {k: request.GET.get(k, "")[:200] for k in ("object", "actor", "action")}
    sort = request.GET.get("sort", "-at") if request.GET.get("sort", "-at") in SORTS else "-at"
    error, status = "", 200
    try:
        entries = audit_entries_for_reviewer(
            request.actor, object_ref=filters["object"], actor_ref=filters["actor"], action=filters["action"], sort=sort
        )
    except ValidationFailed as exc:
        entries, error, status = audit_entries_for_reviewer(request.actor, sort=sort).none(), exc.message, 400
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = actor_names(rows)
    for row in rows:
        row.label = action_label(row.action)
        row.org_name = names["orgs"].get(row.actor_org_code, "")
        row.user_name = names["users"].get(row.actor_user_id, "")
        row.who, row.who_name = actor_label(row.actor_label)
        row.role_names = "、".join(str(Role(r).label) for r in row.actor_roles.split(",") if r in Role.values)
    ctx = {"page": page, "rows": rows, "filters": filters, "sort": sort, "error": error}
    return render(request, "supervision/audit.html", ctx, status=status)
