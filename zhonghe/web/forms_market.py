"""Forms of the market pages: listings (seller), ordering on a listing (organiser), declining an order."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhonghe.registry.models import ListingType
from zhonghe.web.forms import BootstrapForm, DateInput, OnceForm


class ListingTermsForm(BootstrapForm):
    quantity_t = forms.IntegerField(label=_("挂牌数量（吨）"), min_value=1, max_value=100_000_000)
    unit_price_cny = forms.DecimalField(label=_("单价（元/吨）"), min_value=0, max_digits=10, decimal_places=2)
    valid_until = forms.DateField(label=_("有效期至"), widget=DateInput())


class ListingForm(ListingTermsForm):
    project_code = forms.ChoiceField(label=_("项目"))
    listing_type = forms.ChoiceField(label=_("挂牌类型"), choices=ListingType.choices)
    field_order = ["project_code", "listing_type", "quantity_t", "unit_price_cny", "valid_until"]

    def __init__(self, *args, holdings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_code"].choices = [
            (h["project__code"], f"{h['project__code']} {h['project__name']} · {h['quantity_t']} t") for h in holdings
        ]


class ListingOrderForm(OnceForm):
    quantity_t = forms.IntegerField(label=_("数量（吨）"), min_value=1, max_value=100_000_000)
    event_code = forms.ChoiceField(label=_("用于活动"), required=False)

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_code"].choices = [("", _("（不指定）"))] + [(str(e.code), e.name) for e in events]


class DeclineForm(BootstrapForm):
    note = forms.CharField(label=_("拒绝理由"), max_length=500)
