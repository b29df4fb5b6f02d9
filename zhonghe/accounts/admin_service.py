"""Admin whose writes go through services: the add page is a plain form whose data is handed to a service.

Change and delete stay disallowed (ReadOnlyAdmin). A service refusal (ApplicationError) is shown on the form
with the error's HTTP status, and nothing is written because the service's transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.selectors import actor_for_user
from zhonghe.audit.services import audit_acting_as
from zhonghe.lib import errors
from zhonghe.lib.admin_readonly import ReadOnlyAdmin
from zhonghe.lib.text import TextValidator, guard_form_fields

Run = Callable[[Actor, dict[str, Any]], HttpResponse]


def _is_message(value: object) -> bool:
    """`fields` values are either messages for people or offending raw values / codes ("too_long", "500999")."""
    return isinstance(value, str) and (not value.isascii() or " " in value.strip())


def show_refusal(form: forms.Form, exc: errors.ApplicationError) -> None:
    for field, value in exc.fields.items():
        if field in form.fields:
            form.add_error(field, value if _is_message(value) else exc.message)
    form.add_error(None, exc.message)


class CleanTextAdmin:
    """ModelAdmin/inline mixin: lib/text.py's rule on every text field of the admin's model forms."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.CharField):
            field.validators.append(TextValidator(multiline=isinstance(field.widget, forms.Textarea)))
        return field


class ServiceAdmin(ReadOnlyAdmin):
    service_form: type[forms.Form]
    service_title = gettext_lazy("新增")
    service_template = "admin/service_form.html"

    def create_via_service(self, request: HttpRequest, actor: Actor, cleaned_data: dict[str, Any]) -> Any:
        """Call the service and return the created object; let its ApplicationError propagate."""
        raise NotImplementedError

    def has_add_permission(self, request, obj=None):
        return admin.ModelAdmin.has_add_permission(self, request)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_add"
        add = path("add/", self.admin_site.admin_view(self.service_add_view), name=name)
        return [add, *(url for url in super().get_urls() if getattr(url, "name", None) != name)]

    def admin_url(self, obj: Any) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def service_add_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied

        def run(actor: Actor, data: dict[str, Any]) -> HttpResponse:
            created = self.create_via_service(request, actor, data)
            self.log_addition(request, created, [{"added": {}}])
            self.message_user(request, _("已创建：%(obj)s") % {"obj": created}, messages.SUCCESS)
            return redirect(self.admin_url(created))

        return self.service_form_view(request, self.service_form, run, title=self.service_title)

    def service_form_view(
        self, request: HttpRequest, form_class: type[forms.Form], run: Run, *, title: str, obj: Any = None
    ) -> HttpResponse:
        """GET shows the form; a valid POST runs `run(actor, cleaned_data)`, which returns the success response."""
        form = form_class(request.POST if request.method == "POST" else None)
        guard_form_fields(form)  # lib/text.py: no control characters in any text field
        status = 200
        if request.method == "POST":
            status = 422
            if form.is_valid():
                try:
                    actor = actor_for_user(request.user)
                    if actor is None:
                        raise errors.PermissionDenied(_("当前账号未加入任何单位"))
                    with audit_acting_as(actor):  # services without an actor argument log the admin's user
                        return run(actor, form.cleaned_data)
                except errors.ApplicationError as exc:
                    show_refusal(form, exc)
                    status = exc.http_status
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "original": obj,
            "has_view_permission": self.has_view_permission(request, obj),
        }
        return TemplateResponse(request, self.service_template, context, status=status)
