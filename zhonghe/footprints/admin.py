from django.contrib import admin

from zhonghe.footprints.models import InventoryVersion
from zhonghe.lib.admin_readonly import ReadOnlyAdmin


@admin.register(InventoryVersion)
class InventoryVersionAdmin(ReadOnlyAdmin):
    list_display = ("event", "version", "total_t_co2e", "release_code", "data_hash", "created_at")
