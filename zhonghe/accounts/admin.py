from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from zhonghe.accounts.models import Membership, Organization, User
from zhonghe.lib.admin_readonly import ReadOnlyAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class ZhongheUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    fieldsets = UserAdmin.fieldsets + (("Zhonghe", {"fields": ("display_name",)}),)


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "kind", "level", "district_code")
    search_fields = ("name", "uscc")
