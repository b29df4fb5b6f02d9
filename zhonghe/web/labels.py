"""Display names for identifiers that have no TextChoices of their own (workflow actions, travel modes, factors).

Chinese msgids (the source language is zh-Hans); English lives in zhonghe/locale/en.
"""

from __future__ import annotations

import re

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "create": _("创建活动"),
    "submit": _("提交碳中和申请"),
    "publish_plan": _("发布计划书"),
    "freeze_inventory": _("冻结核算结果"),
    "complete_offset": _("完成抵消"),
    "issue_certificate": _("颁发证书"),
    "withdraw": _("撤回"),
    "revoke_certificate": _("撤销证书"),
    "request_evaluation": _("申请碳中和评价"),
    "return_for_correction": _("退回整改"),
    "conclude_evaluation": _("签署评价结论"),
    "accept_evaluation": _("受理评价"),
    "reject_evaluation": _("退回评价"),
}

# Buttons shown on the event page, in workflow order; complete_offset happens by itself on retirement.
BUTTON_ACTIONS = ("submit", "publish_plan", "freeze_inventory", "issue_certificate", "withdraw")

TRAVEL_MODE_LABELS = {
    "flight_domestic": _("国内航班"),
    "flight_international": _("国际航班"),
    "hsr": _("高铁"),
    "rail": _("普通铁路"),
    "metro": _("城市轨道交通"),
    "bus": _("公交车"),
    "coach": _("大巴/中巴"),
    "taxi": _("出租车/网约车"),
    "car": _("小汽车（自驾）"),
}

# A meter reading with green power splits into two lines; a flight's radiative forcing is a line of its own.
PART_LABELS = {"green": _("绿电部分"), "residual": _("电网部分"), "rf": _("辐射强迫")}

FACTOR_LABELS = {
    "electricity.grid": _("电网电力（重庆）"),
    "electricity.green_certified": _("绿色电力（绿电/绿证）"),
    "electricity.grid_residual": _("电网电力（全国剩余电力）"),
    "heat.purchased": _("外购热力"),
    "fuel.gasoline": _("汽油"),
    "fuel.diesel": _("柴油"),
    "fuel.lpg": _("液化石油气"),
    "fuel.natural_gas": _("天然气"),
    "lodging.hotel_room_night": _("酒店住宿（间夜）"),
    "meals.standard": _("标准餐"),
    "materials.paper": _("纸张"),
    "waste.landfill": _("垃圾填埋"),
    "waste.incineration": _("垃圾焚烧"),
    "water.tap": _("自来水"),
    "water.wastewater": _("污水处理"),
    "electricity.grid_national": _("电网电力（全国平均）"),
    "electricity.grid_p50": _("电网电力（重庆）"),
    "fuel.gasoline_mobile": _("汽油（车辆）"),
    "fuel.diesel_mobile": _("柴油（车辆）"),
    "fuel.diesel_offroad": _("柴油（非道路机械）"),
    "fuel.lpg_mobile": _("液化石油气（车辆）"),
    "fuel.cng_mobile": _("压缩天然气（车辆）"),
    "freight.road": _("公路货运"),
    "freight.rail": _("铁路货运"),
    "freight.air": _("航空货运"),
    "freight.waterway": _("水路货运"),
    "materials.pvc": _("PVC（喷绘布、展板）"),
    "materials.plywood": _("胶合板"),
    "materials.steel": _("钢材"),
    "materials.aluminium": _("铝材"),
    "materials.textile": _("纺织品"),
    "materials.carpet": _("地毯"),
    "materials.plastic": _("塑料"),
    "materials.printed_matter": _("印刷品"),
    "materials.giveaway": _("纪念品"),
    "materials.bottled_water": _("瓶装水"),
    "materials.timber": _("木材"),
    "meals.vegetarian": _("素食餐"),
    "meals.food_mass": _("食材（按质量）"),
    "waste.incineration_energy": _("垃圾焚烧发电"),
}


PROVINCE_GRID = re.compile(r"^electricity\.grid_p(\d\d)$")


def factor_label(key: str) -> str:
    if key.startswith("travel."):
        return str(TRAVEL_MODE_LABELS.get(key.split(".", 1)[1], key))
    province = PROVINCE_GRID.match(key)
    if province and key not in FACTOR_LABELS:  # method/2: the venue province's grid factor
        return str(_("电网电力（省级平均，行政区代码 %(code)s）") % {"code": province.group(1)})
    return str(FACTOR_LABELS.get(key, key))


# The engine is pure and speaks English in its units and distance statements; Chinese pages show them in Chinese.
UNIT_ZH = {
    "passenger-km": "人·公里",
    "vehicle-km": "车·公里",
    "tonne-km": "吨·公里",
    "room-night": "间夜",
    "meal": "份",
    "copy": "份",
    "bottle": "瓶",
    "person": "人",
    "tonne": "吨",
}
# Chinese typography of unit symbols: kgCO2e → kgCO₂e, m3 → m³, Nm3 → Nm³.
CO2_SYMBOL = re.compile(r"CO2")
AREA_VOLUME_SYMBOL = re.compile(r"(?<![A-Za-z])(N?m)([23])(?!\d)")
SUPERSCRIPT = {"2": "²", "3": "³"}
METHOD_ZH = (
    (re.compile(r"declared ([\d,.]+) km"), r"申报单程 \1 公里"),
    (re.compile(r"great-circle ([\d,.]+) km"), r"大圆距离 \1 公里"),
    (re.compile(r"\+ ([\d,.]+) km"), r"+ \1 公里"),
    (re.compile(r"round trip × 2"), "往返 × 2"),
    (re.compile(r"× (\d+) person-trips"), r"× \1 人次"),
    (re.compile(r"÷ occupancy ([\d.]+)"), r"÷ 每车 \1 人"),
)


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def unit_text(unit: str) -> str:
    """`room-night` → 间夜 (also inside `kgCO2e/room-night`) on Chinese pages; symbols such as kWh stay."""
    if not unit or not _chinese():
        return unit
    for english, chinese in UNIT_ZH.items():
        unit = re.sub(rf"(?<![\w-]){re.escape(english)}(?![\w-])", chinese, unit)
    return typography(unit)


def typography(text: str) -> str:
    """Unit symbols as Chinese pages write them (CO₂, m³) inside any text, e.g. a factor's citation."""
    if not text or not _chinese():
        return text
    text = CO2_SYMBOL.sub("CO₂", text)
    return AREA_VOLUME_SYMBOL.sub(lambda m: m.group(1) + SUPERSCRIPT[m.group(2)], text)


def method_text(method: str) -> str:
    """The engine's statement of how a distance was found, in Chinese on Chinese pages."""
    if not method or not _chinese():
        return method
    for pattern, replacement in METHOD_ZH:
        method = pattern.sub(replacement, method)
    return method
