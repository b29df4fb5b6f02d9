"""The one input-cleaning rule for text: no control characters.

Every text a user or a client sends (API bodies and queries, web and admin forms, and finally every model text
column, checked before save as the last line of defence) is refused with a field error when it holds a control
character: NUL and the rest of Unicode category Cc (U+0000–U+001F, U+007F–U+009F), or a lone surrogate (Cs),
which cannot even be stored as UTF-8. Multi-line fields (text areas, TextField columns, the API's
MULTILINE_FIELDS) may contain tab, line feed and carriage return; single-line fields may not.

`TEXT_PATTERN` / `LINE_PATTERN` state the same rule as ECMA-262 regular expressions for the OpenAPI document.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhonghe.lib.errors import ValidationFailed

_MULTILINE_OK = "\t\n\r"
_BAD_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# The same rule for JSON Schema (ECMA-262 syntax; JSON text may carry \u escapes, so the ranges are explicit).
LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f]*$"
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"

# API body and query fields that may span lines (text areas in the pages). Every other string is one line.
MULTILINE_FIELDS = frozenset(
    {"boundary", "reduction_measures", "offset_plan", "reason", "note", "description", "revoke_reason"}
)


def bad_character(value: str, *, multiline: bool) -> str | None:
    """The first forbidden character of `value`, or None."""
    match = (_BAD_TEXT if multiline else _BAD_LINE).search(value)
    return match.group() if match else None


def problem_message(char: str) -> str:
    return _("不能包含控制字符（U+%(code)04X）") % {"code": ord(char)}


def clean_text(value: object, *, field: str, multiline: bool = False) -> str:
    """`value` as text, or ValidationFailed naming `field` when it holds a forbidden character (services)."""
    text = "" if value is None else str(value)
    if (char := bad_character(text, multiline=multiline)) is not None:
        raise ValidationFailed(_("输入含有不允许的字符"), fields={field: problem_message(char)})
    return text


def find_bad_text(data: Any, *, path: str = "", multiline_fields=MULTILINE_FIELDS) -> tuple[str, str] | None:
    """(field path, message) of the first string in a JSON-like structure that breaks the rule, or None.

    Dict keys are checked as single-line text; a string's field is multi-line when its key is in `multiline_fields`.
    """
    if isinstance(data, str):
        name = path.rsplit(".", 1)[-1]
        char = bad_character(data, multiline=name in multiline_fields)
        return (path or "__all__", problem_message(char)) if char is not None else None
    if isinstance(data, dict):
        for key, item in data.items():
            key_text = str(key)
            if (char := bad_character(key_text, multiline=False)) is not None:
                return (path or "__all__", problem_message(char))
            found = find_bad_text(item, path=f"{path}.{key_text}" if path else key_text)
            if found:
                return found
    elif isinstance(data, list | tuple):
        for index, item in enumerate(data):
            found = find_bad_text(item, path=f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


class TextValidator:
    """Django validator (forms, admin forms) applying the rule; deconstructible-free, attach at runtime."""

    message = gettext_lazy("不能包含控制字符")

    def __init__(self, *, multiline: bool):
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and (char := bad_character(value, multiline=self.multiline)) is not None:
            raise DjangoValidationError(problem_message(char), code="control_character")


def guard_form_fields(form: Any) -> None:
    """Attach TextValidator to every CharField of a Django form (a Textarea makes it multi-line)."""
    from django import forms

    for field in form.fields.values():
        if isinstance(field, forms.CharField) and not any(isinstance(v, TextValidator) for v in field.validators):
            field.validators.append(TextValidator(multiline=isinstance(field.widget, forms.Textarea)))


# ---------------------------------------------------------------- last line of defence: model text columns

GUARDED_APPS = frozenset({"accounts", "interop", "events", "footprints", "registry", "certificates", "imports"})


def check_model_text(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_save receiver: refuse a text column with a forbidden character (ValidationFailed, nothing saved)."""
    from django.db import models

    if sender._meta.app_label not in GUARDED_APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname, None)
            if isinstance(value, str):
                clean_text(value, field=field.name, multiline=isinstance(field, models.TextField))


def install_model_guard() -> None:
    from django.db.models.signals import pre_save

    pre_save.connect(check_model_text, dispatch_uid="zhonghe.lib.text.check_model_text")
