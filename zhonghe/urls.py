from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("zhonghe.api.urls")),
    path("verify/", include("zhonghe.certificates.urls")),
    path("admin/", admin.site.urls),
    path("", include("zhonghe.web.urls")),
]
