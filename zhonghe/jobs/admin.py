from django.contrib import admin

from zhonghe.jobs.models import Job
from zhonghe.lib.admin_readonly import ReadOnlyAdmin


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Jobs are written by zhonghe.jobs.services and the workers only."""

    list_display = ["id", "kind", "status", "attempts", "rows_done", "rows_total", "locked_by", "created_at"]
    list_filter = ["status", "kind"]
