from django.contrib import admin

from zhonghe.certificates.models import Certificate, SigningKey
from zhonghe.lib.admin_readonly import ReadOnlyAdmin


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "event", "status", "issued_at", "key_id")


admin.site.register(SigningKey, ReadOnlyAdmin)
