"""A flight line's route (the engine names airports in English) reads in Chinese on Chinese pages."""

from __future__ import annotations

from django.utils import translation

from zhonghe.data.places import airport_place
from zhonghe.web.report_content import description_text


def test_a_flight_route_is_shown_with_chinese_airport_names_and_kept_in_english():
    route = f"{airport_place('CKG').name} → {airport_place('PEK').name}"
    with translation.override("zh-hans"):
        assert description_text({"description": route}) == "重庆江北国际机场 → 北京首都国际机场"
        assert description_text({"description": "市内 → 会场"}) == "市内 → 会场"  # the organiser's own words
    with translation.override("en"):
        assert description_text({"description": route}) == route
