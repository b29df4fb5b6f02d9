from django.contrib import admin

from zhonghe.events.models import ActivityRecord, Event, EventTransition, Plan
from zhonghe.lib.admin_readonly import ReadOnlyAdmin


class TransitionInline(admin.TabularInline):
    model = EventTransition
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "actor", "note", "at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "kind", "status", "obliged", "end_date", "deadline")
    list_filter = ("status", "kind", "obliged")
    search_fields = ("name", "organization__name")
    inlines = [TransitionInline]


admin.site.register(EventTransition, ReadOnlyAdmin)
admin.site.register(Plan, ReadOnlyAdmin)
admin.site.register(ActivityRecord, ReadOnlyAdmin)
