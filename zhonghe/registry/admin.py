from django.contrib import admin

from zhonghe.lib.admin_readonly import ReadOnlyAdmin
from zhonghe.registry.models import CreditBlock, CreditProject, LedgerEntry, Order, Retirement


@admin.register(CreditProject)
class CreditProjectAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "credit_type", "vintage", "seller")


@admin.register(CreditBlock)
class CreditBlockAdmin(ReadOnlyAdmin):
    list_display = ("project", "serial_first", "serial_last", "quantity_t", "holder", "status")
    list_filter = ("status",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "kind", "project", "serial_first", "serial_last", "quantity_t", "at")


admin.site.register(Order, ReadOnlyAdmin)
admin.site.register(Retirement, ReadOnlyAdmin)
