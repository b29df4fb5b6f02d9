from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhonghe.accounts.admin_service import CleanTextAdmin, ServiceAdmin
from zhonghe.accounts.models import Membership, Organization, OrgKind, OrgLevel, Role, User
from zhonghe.accounts.services import organization_create
from zhonghe.audit.services import audit_admin_formset, audit_append
from zhonghe.data.districts import district_choices

BLANK = [("", "---------")]


class MembershipInline(CleanTextAdmin, admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class ZhongheUserAdmin(CleanTextAdmin, UserAdmin):
    inlines = [MembershipInline]
    fieldsets = UserAdmin.fieldsets + (("Zhonghe", {"fields": ("display_name",)}),)

    def save_model(self, request, obj, form, change):  # inside the admin's transaction, like the audit entry
        super().save_model(request, obj, form, change)
        audit_append(actor=request.user, action="user.update" if change else "user.create", target=obj)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():  # the admin's password view runs outside one; the entry needs it
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                audit_append(actor=request.user, action="user.password_change", target=self.get_object(request, id))
        return response

    def save_formset(self, request, form, formset, change):
        with audit_admin_formset(
            actor=request.user, formset=formset, grant="membership.grant", revoke="membership.revoke"
        ):
            super().save_formset(request, form, formset, change)


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("名称"))
    uscc = forms.CharField(label=_("统一社会信用代码"), required=False, help_text=_("单位类型为个人时可不填"))
    kind = forms.ChoiceField(label=_("单位类型"), choices=OrgKind.choices)
    level = forms.ChoiceField(label=_("层级"), choices=BLANK + OrgLevel.choices, required=False)
    district_code = forms.ChoiceField(label=_("所在区县"), choices=lambda: BLANK + district_choices(), required=False)


@admin.register(Organization)
class OrganizationAdmin(ServiceAdmin):
    list_display = ("name", "uscc", "kind", "level", "district_code")
    search_fields = ("name", "uscc")
    service_form = OrganizationForm
    service_title = _("新增单位")

    def create_via_service(self, request, actor, cleaned_data):
        actor.require(Role.ADMIN)
        return organization_create(**cleaned_data)
