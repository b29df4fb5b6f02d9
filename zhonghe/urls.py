from django.contrib import admin
from django.urls import include, path, re_path

from zhonghe.api.errors import not_found_view

handler403 = "zhonghe.web.error_pages.permission_denied"
handler404 = "zhonghe.web.error_pages.page_not_found"
handler500 = "zhonghe.web.error_pages.server_error"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("zhonghe.api.urls")),
    re_path(r"^api(/.*)?$", not_found_view),  # anything else under /api/: the JSON 404 envelope
    path("verify/", include("zhonghe.certificates.urls")),
    path("admin/", admin.site.urls),
    path("", include("zhonghe.web.urls")),
]
