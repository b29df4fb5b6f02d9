"""Forms of the market pages: listings (seller), ordering on a listing (organiser), declining an order; external
cancellations (organiser) and their review (bureau)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhonghe.registry.external import MAX_EXTERNAL_SERIAL, MAX_PROOF_BYTES
from zhonghe.registry.models import ExternalRegistry, ListingType
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


class ExternalCancellationForm(BootstrapForm):
    """A cancellation made in another registry, with its proof file (PDF or PNG/JPEG image)."""

    registry = forms.ChoiceField(label=_("注销登记系统"), choices=ExternalRegistry.choices)
    project_ref = forms.CharField(label=_("项目编号（可选）"), max_length=80, required=False)
    serial_first = forms.IntegerField(label=_("起始序列号"), min_value=1, max_value=MAX_EXTERNAL_SERIAL)
    serial_last = forms.IntegerField(label=_("终止序列号"), min_value=1, max_value=MAX_EXTERNAL_SERIAL)
    quantity_t = forms.IntegerField(label=_("数量（吨）"), min_value=1, max_value=100_000_000)
    cancelled_on = forms.DateField(label=_("注销日期"), widget=DateInput())
    proof_number = forms.CharField(label=_("注销证明编号"), max_length=80)
    beneficiary_name = forms.CharField(label=_("受益方（默认为本单位）"), max_length=200, required=False)
    beneficiary_uscc = forms.CharField(label=_("受益方统一社会信用代码（可选）"), max_length=18, required=False)
    proof = forms.FileField(label=_("注销证明文件（PDF或图片，不超过10 MB）"))

    def clean_proof(self):
        upload = self.cleaned_data["proof"]
        content = upload.read(MAX_PROOF_BYTES + 1)
        if len(content) > MAX_PROOF_BYTES:
            raise forms.ValidationError(_("注销证明文件不能超过10 MB"))
        return content


class ReviewNoteForm(BootstrapForm):
    note = forms.CharField(label=_("驳回理由"), max_length=2000, required=False)
