"""Parsing and validation of the web forms. Views pass `cleaned_data` (Decimal, date, int) to services."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zhonghe.data.districts import all_districts
from zhonghe.data.factor_releases import source_display
from zhonghe.events.models import (
    ActivityCategory,
    Cabin,
    DataQuality,
    EventKind,
    GridChoice,
    MeetingClass,
    Phase,
    PlaceKind,
    VehicleFuel,
)
from zhonghe.footprints.records import GRID_KEY, ROUND_TRIP_DEFAULT
from zhonghe.lib.text import guard_form_fields
from zhonghe.registry.serials import SerialError, parse_serial
from zhonghe.web.labels import TRAVEL_MODE_LABELS, factor_label, typography, unit_text
from zhonghe.web.obligation_help import obligation_help_texts


class BootstrapForm(forms.Form):
    """Adds Bootstrap classes and a data-testid to every widget, and lib/text.py's rule to every text field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_form_fields(self)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)
            widget.attrs.setdefault("data-testid", f"field-{name}")

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OnceForm(BootstrapForm):
    """A create form carrying a one-time token: submitted twice (double click, resend), it writes once."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = uuid.uuid4().hex


class EventForm(BootstrapForm):
    name = forms.CharField(label=_("活动名称"), max_length=200)
    kind = forms.ChoiceField(label=_("活动类型"), choices=EventKind.choices)
    meeting_class = forms.TypedChoiceField(
        label=_("会议类别"),
        choices=[("", _("（非党政机关会议）"))] + list(MeetingClass.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    chengyu_meeting = forms.BooleanField(label=_("成渝双城经济圈有关会议"), required=False)
    expected_participants = forms.IntegerField(
        label=_("预计参与人数"),
        min_value=1,
        max_value=10_000_000,
    )
    area_m2 = forms.DecimalField(
        label=_("面积（平方米）"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    venue_district = forms.ChoiceField(label=_("举办区县"))
    venue_address = forms.CharField(label=_("举办地址"), max_length=300, required=False)
    grid = forms.ChoiceField(
        label=_("电网排放因子"),
        choices=GridChoice.choices,
        initial=GridChoice.PROVINCIAL,
        required=False,  # left out → the provincial grid (events/services.py)
        help_text=_("外购电力按所选电网的排放因子核算；缺省为举办地所在省份的省级电网平均排放因子"),
    )
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())

    def __init__(self, *args, jurisdiction: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The obligation thresholds in the help texts are the jurisdiction's rule data (Chongqing by default).
        for name, text in obligation_help_texts(jurisdiction or settings.DEFAULT_JURISDICTION).items():
            self.fields[name].help_text = text
        english = (get_language() or "").startswith("en")  # district names in the page's language
        districts = [(d.adcode, d.name_en if english else d.name_zh) for d in all_districts()]
        self.fields["venue_district"].choices = [("", _("请选择区县"))] + districts

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期"))
        return data


class NewEventForm(OnceForm, EventForm):
    pass


class PlanForm(BootstrapForm):
    boundary = forms.CharField(label=_("核算边界"), widget=forms.Textarea(attrs={"rows": 3}))
    reduction_measures = forms.CharField(label=_("减排措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    offset_plan = forms.CharField(label=_("抵消计划"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


SOURCE_CHARS = 48  # of a factor's citation in a drop-down option; the full citation is in the lines table
GRID_TABLE = re.compile(r"^electricity\.grid_(p\d\d|national|region_\w+)$")
VENUE_GRID = "electricity.grid_p50"  # the platform's venues are in Chongqing (adcode 50)


def factor_choices(release) -> list[tuple[str, list[tuple[str, str]]]]:
    """Non-travel factors grouped by category: "label · value unit · source (year)"."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, f in release.factors.items():
        category = key.split(".", 1)[0]
        if category == ActivityCategory.TRAVEL or category not in ActivityCategory.values:
            continue
        if GRID_TABLE.match(key):
            # Method/2: one choice "electricity.grid"; the engine takes the factor of the event's grid choice
            # (the venue province's by default, shown here), so the choice says which grid applies.
            if key == VENUE_GRID:
                text = _("电网电力（按本活动选择的电网；省级缺省 %(value)s %(unit)s）") % {
                    "value": f.value,
                    "unit": unit_text(f.unit),
                }
                groups.setdefault(category, []).insert(0, (GRID_KEY, str(text)))
            continue
        zh = (get_language() or "zh").startswith("zh")
        source = source_display(f.source, "zh") if zh else (f.source_en or source_display(f.source, "en"))
        source = source if len(source) <= SOURCE_CHARS else source[: SOURCE_CHARS - 1] + "…"  # visibly cut
        text = f"{factor_label(key)} · {f.value} {unit_text(f.unit)} · {typography(source)} ({f.year})"
        groups.setdefault(category, []).append((key, text))
    return [(str(ActivityCategory(c).label), opts) for c, opts in groups.items()]


class AccountingFieldsForm(OnceForm):
    """When the emission happens and how the quantity is known: asked of every activity."""

    # Not required: a form posted without them (an older page, a script) gets the service's defaults.
    phase = forms.ChoiceField(label=_("阶段"), choices=Phase.choices, initial=Phase.HOLDING, required=False)
    quality = forms.ChoiceField(
        label=_("数据质量"), choices=DataQuality.choices, initial=DataQuality.ESTIMATED, required=False
    )


class QuantityActivityForm(AccountingFieldsForm):
    """Energy, lodging, meals, materials, waste, water: quantity × a factor of the current release."""

    category = forms.ChoiceField(
        label=_("类别"), choices=[c for c in ActivityCategory.choices if c[0] != ActivityCategory.TRAVEL]
    )
    factor_key = forms.ChoiceField(label=_("排放因子"))
    quantity = forms.DecimalField(label=_("数量"), min_value=0, max_digits=20, decimal_places=4)
    unit = forms.CharField(
        label=_("单位"), max_length=20, required=False, help_text=_("留空则使用因子的单位；可填 度、m³、吨、张 等")
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    green_kwh = forms.DecimalField(
        label=_("其中绿电电量（kWh）"), min_value=0, max_digits=20, decimal_places=4, required=False
    )
    green_share = forms.DecimalField(
        label=_("或绿电比例（0–1）"), min_value=0, max_value=1, max_digits=5, decimal_places=4, required=False
    )
    green_certificates = forms.CharField(
        label=_("绿证编号"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一个，或用逗号分隔"),
    )

    def __init__(self, *args, release, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor_key"].choices = factor_choices(release)

    def clean(self):
        data = super().clean()
        key, category = data.get("factor_key", ""), data.get("category", "")
        if key and category and not key.startswith(category + "."):
            self.add_error("factor_key", _("排放因子与类别不符"))
        return data


class TravelActivityForm(AccountingFieldsForm):
    travel_mode = forms.ChoiceField(label=_("出行方式"), choices=list(TRAVEL_MODE_LABELS.items()))
    person_trips = forms.IntegerField(label=_("人次"), min_value=1, max_value=1_000_000_000)
    distance_km = forms.DecimalField(
        label=_("单程距离（公里）"), min_value=0, max_digits=12, decimal_places=3, required=False
    )
    place_kind = forms.ChoiceField(
        label=_("地点类型"), choices=PlaceKind.choices, required=False, initial=PlaceKind.CITY
    )
    origin = forms.CharField(label=_("出发地"), max_length=60, required=False)
    destination = forms.CharField(label=_("目的地"), max_length=60, required=False)
    round_trip = forms.BooleanField(label=_("往返"), required=False, initial=ROUND_TRIP_DEFAULT)
    cabin = forms.ChoiceField(label=_("舱位（航班）"), choices=[("", "—"), *Cabin.choices], required=False)
    fuel = forms.ChoiceField(
        label=_("燃料（小汽车/出租车）"), choices=[("", "—"), *VehicleFuel.choices], required=False
    )
    occupancy = forms.DecimalField(
        label=_("每车人数"), min_value=1, max_value=100, max_digits=6, decimal_places=2, required=False
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("distance_km") is None and not (data.get("origin") and data.get("destination")):
            self.add_error("distance_km", _("请填写单程距离，或填写出发地和目的地"))
        data["category"] = ActivityCategory.TRAVEL
        return data


class OrderForm(OnceForm):
    project_code = forms.ChoiceField(label=_("项目"))
    quantity_t = forms.IntegerField(label=_("数量（吨）"), min_value=1, max_value=100_000_000)
    event_code = forms.ChoiceField(label=_("用于活动"), required=False)

    def __init__(self, *args, projects, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_code"].choices = [(p.code, f"{p.code} {p.name}") for p in projects]
        self.fields["event_code"].choices = [("", _("（不指定）"))] + [(str(e.code), e.name) for e in events]


class RetireForm(OnceForm):
    project_code = forms.ChoiceField(label=_("项目"))
    quantity_t = forms.IntegerField(label=_("注销数量（吨）"), min_value=1, max_value=100_000_000)
    reason = forms.CharField(label=_("注销原因"), max_length=500)
    beneficiary_name = forms.CharField(
        label=_("受益方（默认为本单位）"), max_length=200, required=False, help_text=_("可填写其他单位或个人的名称")
    )
    beneficiary_uscc = forms.CharField(label=_("受益方统一社会信用代码（可选）"), max_length=18, required=False)
    serial_first = forms.CharField(label=_("起始序列号（可选）"), max_length=60, required=False)
    serial_last = forms.CharField(label=_("终止序列号（可选）"), max_length=60, required=False)

    def __init__(self, *args, holdings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_code"].choices = [
            (h["project__code"], f"{h['project__code']} {h['project__name']} · {h['quantity_t']} t") for h in holdings
        ]

    def clean(self):
        """An exact range needs both ends, in the project's display form ("<project>-000000006") → numbers."""
        data = super().clean()
        first, last = data.get("serial_first") or "", data.get("serial_last") or ""
        data["serial_first"] = data["serial_last"] = None
        if not (first or last):
            return data
        if not (first and last):
            self.add_error("serial_last" if first else "serial_first", _("指定序列号时请同时填写起止序列号"))
            return data
        for name, text in (("serial_first", first), ("serial_last", last)):
            try:
                data[name] = parse_serial(data.get("project_code", ""), text.strip())
            except SerialError:
                self.add_error(name, _("序列号格式应为“项目编号-九位数字”"))
        return data


class RevokeForm(BootstrapForm):
    reason = forms.CharField(label=_("撤销原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(BootstrapForm):
    note = forms.CharField(label=_("拒绝理由"), max_length=500, required=False)
