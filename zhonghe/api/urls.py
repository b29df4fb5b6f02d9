from django.urls import path, re_path

from zhonghe.api.errors import json_method_not_allowed, not_found_view
from zhonghe.api.main import api

_patterns, _app, _namespace = api.urls  # (no module-level `app_name`: include() would read it)
for _pattern in _patterns:  # a known path with an unknown method answers with the envelope too (405)
    _pattern.callback = json_method_not_allowed(_pattern.callback)

urlpatterns = [
    path("", (_patterns, _app, _namespace)),
    re_path(r"^.*$", not_found_view),
]
