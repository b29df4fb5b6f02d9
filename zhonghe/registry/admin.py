from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhonghe.accounts.admin_service import ServiceAdmin
from zhonghe.accounts.models import Organization
from zhonghe.data.districts import district_choices
from zhonghe.lib.admin_readonly import ReadOnlyAdmin
from zhonghe.lib.numbers import format_number
from zhonghe.registry.models import (
    CreditBlock,
    CreditProject,
    CreditType,
    LedgerEntry,
    Order,
    Origin,
    ProductCategory,
    Retirement,
)
from zhonghe.registry.services import credits_issue, project_register


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("项目编号"))
    name = forms.CharField(label=_("项目名称"))
    credit_type = forms.ChoiceField(label=_("产品类型"), choices=CreditType.choices)
    product_category = forms.ChoiceField(
        label=_("产品类别"), choices=ProductCategory.choices, initial=ProductCategory.OTHER
    )
    methodology_code = forms.CharField(label=_("方法学"))
    vintage = forms.IntegerField(label=_("年份"))
    seller = forms.ModelChoiceField(label=_("出售方"), queryset=Organization.objects.order_by("name"))
    origin_tags = forms.MultipleChoiceField(
        label=_("优先产地标签"), choices=Origin.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    district_code = forms.ChoiceField(
        label=_("项目所在区县"), choices=lambda: [("", "---------"), *district_choices()], required=False
    )
    unit_price_cny = forms.DecimalField(
        label=_("单价（元/吨）"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    description = forms.CharField(label=_("说明"), widget=forms.Textarea, required=False)


class IssueForm(forms.Form):
    quantity_t = forms.IntegerField(label=_("数量（吨）"))


@admin.register(CreditProject)
class CreditProjectAdmin(ServiceAdmin):
    list_display = ("code", "name", "credit_type", "vintage", "seller")
    service_form = ProjectForm
    service_title = _("登记减排项目")
    change_form_template = "admin/registry/creditproject/change_form.html"

    def create_via_service(self, request, actor, cleaned_data):
        return project_register(actor=actor, **cleaned_data)

    def get_urls(self):
        issue = path(
            "<path:object_id>/issue/",
            self.admin_site.admin_view(self.issue_view),
            name="registry_creditproject_issue",
        )
        return [issue, *super().get_urls()]

    def issue_view(self, request, object_id):
        if not self.has_add_permission(request):
            raise PermissionDenied
        project = self.get_object(request, unquote(object_id))
        if project is None:
            raise Http404

        def run(actor, data):
            block = credits_issue(actor=actor, project=project, quantity_t=data["quantity_t"])
            done = gettext("已签发%(n)s吨，序列号%(first)d–%(last)d")
            self.message_user(
                request,
                done
                % {
                    "n": format_number(block.quantity_t, "credits"),
                    "first": block.serial_first,
                    "last": block.serial_last,
                },
                messages.SUCCESS,
            )
            return redirect(self.admin_url(project))

        title = gettext("签发减排量：%(project)s") % {"project": project}
        return self.service_form_view(request, IssueForm, run, title=title, obj=project)


@admin.register(CreditBlock)
class CreditBlockAdmin(ReadOnlyAdmin):
    list_display = ("project", "serial_first", "serial_last", "quantity_t", "holder", "status")
    list_filter = ("status",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "kind", "project", "serial_first", "serial_last", "quantity_t", "at")


admin.site.register(Order, ReadOnlyAdmin)
admin.site.register(Retirement, ReadOnlyAdmin)
