"""Forms of the evaluation pages (碳中和评价). Services check every rule again; these only parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhonghe.evaluations.checklist import CHECKLIST
from zhonghe.evaluations.models import CheckResult, EvaluationMode, Severity
from zhonghe.web.forms import BootstrapForm


def _text(label, *, required: bool = True, rows: int = 2) -> forms.CharField:
    return forms.CharField(label=label, max_length=2000, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class ConfirmForm(BootstrapForm):
    """A step that cannot be undone: the box must be ticked (static/web/confirm.js asks instead when it runs)."""

    confirm = forms.BooleanField(label=_("我已核对，确认执行此操作（不可撤回）"), required=True)


class RequestEvaluationForm(BootstrapForm):
    mode = forms.ChoiceField(label=_("评价方式"), choices=EvaluationMode.choices, initial=EvaluationMode.THIRD_PARTY)
    verifier = forms.ChoiceField(label=_("邀请第三方核查机构"), required=False)

    def __init__(self, *args, verifiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verifier"].choices = [("", _("（由生态环境局指派）"))] + [(v.uscc, v.name) for v in verifiers]


class AssignForm(BootstrapForm):
    verifier = forms.ChoiceField(label=_("指派第三方核查机构"))

    def __init__(self, *args, verifiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verifier"].choices = [(v.uscc, v.name) for v in verifiers]


class CheckForm(BootstrapForm):
    item = forms.ChoiceField(choices=[(i.key, i.key) for i in CHECKLIST], widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("核查结果"), choices=CheckResult.choices)
    note = forms.CharField(label=_("核查说明"), max_length=2000, required=False)


class FindingForm(BootstrapForm):
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    item = forms.ChoiceField(label=_("相关核查项"), required=False)
    text = _text(_("核查发现"))

    def __init__(self, *args, language: str = "zh-hans", **kwargs):
        super().__init__(*args, **kwargs)
        english = language.startswith("en")
        self.fields["item"].choices = [("", "—")] + [(i.key, i.text_en if english else i.text_zh) for i in CHECKLIST]


class ResponseForm(BootstrapForm):
    response = _text(_("组织方回复"))


class ReturnForm(BootstrapForm):
    note = _text(_("退回说明"), required=False)


class ConclusionForm(ConfirmForm):
    conclusion = _text(_("评价结论"), rows=3)


class AcceptForm(ConfirmForm):
    note = _text(_("受理意见"), required=False)


class BureauReturnForm(BootstrapForm):
    reason = _text(_("退回理由"))
