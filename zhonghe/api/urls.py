from django.urls import path, re_path

from zhonghe.api.errors import not_found_view
from zhonghe.api.main import api

urlpatterns = [
    path("", api.urls),
    re_path(r"^.*$", not_found_view),
]
