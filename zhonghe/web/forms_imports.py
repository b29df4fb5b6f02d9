"""The upload form of the import pages (a file, what it holds, which stage it feeds)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhonghe.events.models import Stage
from zhonghe.imports.models import ImportKind
from zhonghe.web.forms import OnceForm


class ImportUploadForm(OnceForm):
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_("XLSX 或 CSV（UTF-8、带 BOM 的 UTF-8 或 GB18030），不超过 50 MB、100 万行"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    kind = forms.ChoiceField(label=_("内容"), choices=ImportKind.choices)
    stage = forms.ChoiceField(label=_("阶段"), choices=Stage.choices)
