"""File downloads shared by the pages and the API: templates, and a refused file with its error column."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from zhonghe.imports.columns import Kind
from zhonghe.imports.models import Import
from zhonghe.imports.selectors import import_file_bytes
from zhonghe.imports.templates import FILE_NAMES, template_csv, template_xlsx
from zhonghe.lib.errors import NotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")


def _attachment(body: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def template_response(kind: str, file_format: str) -> HttpResponse:
    if kind not in {k.value for k in Kind} or file_format not in FORMATS:
        raise NotFound(_("没有这个模板"))
    body = template_xlsx(kind) if file_format == "xlsx" else template_csv(kind)
    return _attachment(body, XLSX if file_format == "xlsx" else CSV, f"{FILE_NAMES[Kind(kind)]}.{file_format}")


def annotated_response(found: Import) -> HttpResponse:
    """The uploaded file with an error column (names in it stay within the organisation: no caching)."""
    body = import_file_bytes(found, annotated=True)
    file_format = found.file_format or "csv"
    return _attachment(body, XLSX if file_format == "xlsx" else CSV, f"import-{found.code}-errors.{file_format}")
