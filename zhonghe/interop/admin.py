from django.contrib import admin

from zhonghe.interop.models import ApiKey
from zhonghe.lib.admin_readonly import ReadOnlyAdmin


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ("key_id", "organization", "scopes", "created_at", "last_used_at", "revoked_at")
    exclude = ("secret_hash",)
