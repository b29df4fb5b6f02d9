"""The engine's refusals as sentences for people: the row and the field by name, never an internal id.

The engine (pure, English, for developers) words a refusal "<ref>: <field> …"; `refusal_sentence` finds the
field and the kind of problem and says it in the active language. The engine's own text stays in the error's
`fields["detail"]` (API clients and logs), not in the message a page shows.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_NAMES = {
    "quantity": gettext_lazy("数量"),
    "unit": gettext_lazy("单位"),
    "factor_key": gettext_lazy("排放因子"),
    "green_kwh": gettext_lazy("绿电电量"),
    "green_share": gettext_lazy("绿电比例"),
    "green_certificates": gettext_lazy("绿证编号"),
    "distance_km": gettext_lazy("距离（公里）"),
    "person_trips": gettext_lazy("人次"),
    "occupancy": gettext_lazy("每车人数"),
    "cabin": gettext_lazy("舱位"),
    "fuel": gettext_lazy("燃料"),
    "mode": gettext_lazy("出行方式"),
    "category": gettext_lazy("类别"),
}
REF = re.compile(r"^(?P<ref>[^:\s]+): (?P<rest>.*)$", re.S)
# (pattern on the detail after the ref, sentence with %(field)s and the pattern's groups)
PATTERNS = (
    (re.compile(r"^(?P<f>\w+) (?P<n>\S+) is above the plausible maximum (?P<max>\S+)"), "above"),
    (re.compile(r"^(?P<f>\w+) must not be negative"), "negative"),
    (re.compile(r"^(?P<f>\w+) must be (finite|a Decimal)"), "number"),
    (re.compile(r"^green_kwh (?P<n>\S+) is more than the reading, (?P<max>\S+) kWh"), "green"),
    (re.compile(r"neither a distance nor both places|give distance_km or both origin"), "distance"),
    (re.compile(r"give distance_km or origin/destination, not both"), "distance_both"),
    (re.compile(r"origin and destination are the same point"), "same_place"),
    (re.compile(r"^unit must be given"), "unit_missing"),
    (re.compile(r"^(?P<f>\w+): .*|^(?P<g>\w+) must be one of"), "field"),
)


def _sentences() -> dict[str, str]:
    return {
        "above": _("%(row)s的“%(field)s”为 %(n)s，超过合理上限 %(max)s"),
        "negative": _("%(row)s的“%(field)s”不能为负数"),
        "number": _("%(row)s的“%(field)s”必须是数字"),
        "green": _("%(row)s的绿电电量 %(n)s kWh 大于电表读数 %(max)s kWh"),
        "distance": _("%(row)s请填写距离，或同时填写出发地和目的地"),
        "distance_both": _("%(row)s的距离与出发地/目的地只能填写其一"),
        "same_place": _("%(row)s的出发地和目的地相同，请直接填写距离"),
        "unit_missing": _("%(row)s请填写单位"),
        "field": _("%(row)s的“%(field)s”有误，请检查"),
    }


def refusal_sentence(detail: str, row: str = "") -> str:
    """A sentence naming `row` (default: this activity) and the field, or "" when the detail is not recognised."""
    row = row or _("本条活动数据")
    named = REF.match(detail)
    rest = named.group("rest") if named else detail
    for pattern, key in PATTERNS:
        found = pattern.search(rest)
        if not found:
            continue
        groups = {k: v for k, v in found.groupdict().items() if v}
        field_code = groups.get("f") or groups.get("g") or ""
        if key in ("above", "negative", "number", "field") and field_code not in FIELD_NAMES:
            return ""
        field = str(FIELD_NAMES.get(field_code, ""))
        return _sentences()[key] % {"row": row, "field": field, "n": groups.get("n", ""), "max": groups.get("max", "")}
    return ""
