from django.contrib import admin

from zhonghe.audit.models import AuditEntry
from zhonghe.lib.admin_readonly import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "at", "action", "object_type", "object_code", "actor_label", "actor_user_id")
    list_filter = ("action",)
    search_fields = ("object_code", "action", "actor_org_code")
