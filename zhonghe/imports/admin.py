from django.contrib import admin

from zhonghe.imports.models import Import


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = ("code", "event", "kind", "stage", "status", "row_count", "error_count", "created_at")
    list_filter = ("status", "kind", "stage")
    readonly_fields = [field.name for field in Import._meta.fields]
