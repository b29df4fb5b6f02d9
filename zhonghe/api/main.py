"""The NinjaAPI instance: auth, error envelope and one router per resource."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from zhonghe.api import (
    activities,
    audit,
    basket,
    certificates,
    evaluations,
    events,
    external,
    factor_releases,
    footprint,
    imports,
    inventories,
    keys,
    ledger,
    listings,
    market,
    me,
    retirements,
)
from zhonghe.api.auth import AUTH
from zhonghe.api.errors import install_handlers
from zhonghe.api.text_guard import document_text_rule, refuse_control_characters
from zhonghe.api.throttles import api_throttles, install_throttle_handler


class ZhongheAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return document_text_rule(super().get_openapi_schema(*args, **kwargs))


api = ZhongheAPI(
    title="Zhonghe API",
    version="1",
    description=(
        "中和 — carbon neutrality of large meetings and events in Chongqing. Authenticate with an "
        "organisation API key (`Authorization: Bearer zh_…` or `X-API-Key`); GET needs scope read, "
        'writes need write. Errors: `{"error": {"code", "message", "fields"}}`. Decimals are strings.'
    ),
    urls_namespace="api",
    auth=AUTH,
    throttle=api_throttles(),
)
install_handlers(api)
install_throttle_handler(api)
api.add_decorator(refuse_control_characters)  # lib/text.py's rule on every operation's input

for module in (
    keys,
    ledger,
    certificates,
    me,
    events,
    activities,
    inventories,
    market,
    listings,
    basket,
    retirements,
    external,
    factor_releases,
    footprint,
    evaluations,
    imports,
    audit,
):
    api.add_router("/", module.router)
