"""Spreadsheet imports of an event: upload, follow the progress, confirm places, commit; templates."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import created_or_replayed, created_responses, decimal_out, responses
from zhonghe.imports import services
from zhonghe.imports.models import Import
from zhonghe.imports.reading import MAX_BYTES
from zhonghe.imports.responses import annotated_response, template_response
from zhonghe.imports.selectors import import_get, imports_for_event
from zhonghe.lib.errors import ValidationFailed

router = Router(tags=["imports"])
KgOut = decimal_out(6)


class RowErrorOut(Schema):
    row: int | None = Field(description="the row number as the spreadsheet shows it; null for the whole file")
    column: str
    code: str
    value: str
    message: str


class CandidateOut(Schema):
    code: str
    label: str


class PlaceOut(Schema):
    text: str = Field(description="the place as written in the file")
    status: Literal["resolved", "ambiguous", "unknown"]
    match: str
    code: str = Field(description="adcode or IATA code it resolved to; empty when not resolved")
    label: str
    count: int = Field(description="rows naming this text")
    candidates: list[CandidateOut]
    needs_confirmation: bool


class ImportOut(Schema):
    id: UUID
    code: UUID
    kind: str
    stage: str
    status: Literal["queued", "processing", "refused", "confirming", "ready", "committed", "failed"]
    file_name: str
    file_format: str
    sha256: str
    encoding: str
    size_bytes: int
    rows_total: int
    rows_done: int
    rows_read: int
    rows_validated: int
    rows_resolved: int
    error_count: int
    errors: list[RowErrorOut] = Field(description="the first errors (error_count gives how many)")
    places: list[PlaceOut]
    places_confirmed: bool
    committing: bool = Field(description="a worker is recording the lines of a big file (status stays ready)")
    line_count: int
    total_kg_co2e: KgOut | None
    release: str
    created_at: datetime
    committed_at: datetime | None


class PlacesIn(Schema):
    corrections: dict[str, str] = Field(
        default_factory=dict,
        description="place text → adcode or IATA code for every row with that text; omitted texts are confirmed "
        "as resolved",
    )


def _out(found: Import) -> dict:
    english = (get_language() or "").startswith("en")
    errors = [
        {**error, "message": error["message_en" if english else "message_zh"], "value": error.get("value", "")}
        for error in found.errors
    ]
    return {
        **{name: getattr(found, name) for name in ImportOut.model_fields if hasattr(found, name)},
        "id": found.code,
        "errors": errors,
        "release": found.release_code,
    }


@router.post(
    "/events/{code}/imports", response=created_responses(ImportOut), summary="Upload an attendee or activity file"
)
def create_import(
    request: HttpRequest,
    code: str,
    kind: Form[Literal["attendees", "activities"]],
    stage: Form[Literal["before", "after"]],
    file: File[UploadedFile],
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=80),
):
    """CSV (UTF-8, UTF-8 with BOM, GB18030) or XLSX, up to 50 MB. The same file again (same SHA-256) is a 409
    `duplicate_file`; a repeated `Idempotency-Key` returns the first import with 200."""
    if file.size is not None and file.size > MAX_BYTES:
        raise ValidationFailed(_("文件超过50 MB，请拆分后上传"), code="file_too_large", fields={"file": file.size})
    actor = actor_of(request)
    data = file.read()
    return created_or_replayed(
        actor.organization,
        idempotency_key,
        lambda: _out(
            services.import_create(
                actor=actor,
                code=code,
                kind=kind,
                stage=stage,
                data=data,
                file_name=file.name or "",
                idempotency_key=idempotency_key,
            )  # fmt: skip
        ),
    )


@router.get("/events/{code}/imports", response=responses(200, list[ImportOut]))
def list_imports(request: HttpRequest, code: str):
    return [_out(found) for found in imports_for_event(actor_of(request), code)[:100]]


@router.get("/events/{code}/imports/{import_code}", response=responses(200, ImportOut))
def get_import(request: HttpRequest, code: str, import_code: str):
    return _out(import_get(actor_of(request), code, import_code))


@router.post("/events/{code}/imports/{import_code}/places", response=responses(200, ImportOut))
def confirm_places(request: HttpRequest, code: str, import_code: str, payload: PlacesIn):
    """Confirm the places shown, correcting some; corrections process the file again."""
    return _out(
        services.import_places_confirm(
            actor=actor_of(request), code=code, import_code=import_code, corrections=payload.corrections
        )
    )


@router.post("/events/{code}/imports/{import_code}/commit", response=responses(200, ImportOut))
def commit_import(request: HttpRequest, code: str, import_code: str):
    """Record the clean, confirmed file as aggregated activity lines of its stage (once)."""
    return _out(services.import_commit(actor=actor_of(request), code=code, import_code=import_code))


@router.get("/events/{code}/imports/{import_code}/annotated", response=responses(200, None))
def annotated_file(request: HttpRequest, code: str, import_code: str):
    """The uploaded file back with an error column (CSV: UTF-8 with BOM)."""
    return annotated_response(import_get(actor_of(request), code, import_code))


@router.get("/import-templates/{kind}.{file_format}", response=responses(200, None))
def import_template(request: HttpRequest, kind: str, file_format: str):
    """`attendees.xlsx`, `attendees.csv`, `activities.xlsx` or `activities.csv`."""
    return template_response(kind, file_format)
