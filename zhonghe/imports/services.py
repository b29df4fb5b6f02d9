"""The only writers of imports: create (store, hash) → process (validate, resolve) → confirm places → commit.

Processing validates the whole file before anything reaches the inventory: a file with any error is
kept as ``refused`` (or ``confirming`` when only places are in doubt) with its errors and an annotated
copy; only ``import_commit`` records ActivityRecords, through ``footprints.services.activity_add`` (the
same path as the page form and the API). Files above ``ZHONGHE_IMPORT_INLINE_ROWS`` rows are processed
by a worker (job kind ``imports.process``) that reports rows read, validated and resolved.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.audit.services import audit_append, audit_snapshot
from zhonghe.data.places import UnknownPlace
from zhonghe.events.models import Event, Stage
from zhonghe.footprints import services as footprint_services
from zhonghe.footprints.services import STAGE_OPEN
from zhonghe.imports.analysis import Report, analyse
from zhonghe.imports.annotate import annotated_file
from zhonghe.imports.models import COMMIT_JOB_KIND, NOT_LIVE, Import, ImportKind, ImportStatus
from zhonghe.imports.outcome import error_dicts, place_entries
from zhonghe.imports.parse import ParseResult
from zhonghe.imports.places import PlaceResolver
from zhonghe.imports.reading import MAX_BYTES, is_xlsx
from zhonghe.imports.tally import estimate_rows
from zhonghe.interop.idempotency import run_idempotent
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.lib.ids import parse_code
from zhonghe.lib.text import bad_character

JOB_KIND = "imports.process"
COMMIT_KIND = COMMIT_JOB_KIND
INLINE_LINES = 200  # default of settings.ZHONGHE_IMPORT_INLINE_LINES: more lines are recorded by a worker
INLINE_ROWS = (
    3000  # default of getattr(settings, "ZHONGHE_IMPORT_INLINE_ROWS", INLINE_ROWS): bigger files go to a worker
)
STORED_ERRORS = 1000  # default of settings.ZHONGHE_IMPORT_STORED_ERRORS: the annotated file has them all
PLACE_ERRORS = frozenset({"unknown_place", "ambiguous_place"})


def _event(actor: Actor, code: object) -> Event:
    actor.require(Role.ORGANISER)
    event = (
        Event.objects.select_for_update()
        .filter(code=parse_code(code, "event"), organization=actor.organization)
        .first()
    )
    if event is None:
        raise NotFound(_("活动不存在"))
    return event


def _locked_import(actor: Actor, code: object, import_code: object) -> Import:
    event = _event(actor, code)
    found = Import.objects.select_for_update().filter(event=event, code=parse_code(import_code, "import")).first()
    if found is None:
        raise NotFound(_("导入记录不存在"))
    return found


def _check_upload(kind: str, stage: str, data: bytes, file_name: str, event: Event) -> None:
    if kind not in ImportKind.values:
        raise ValidationFailed(_("未知的导入类型"), fields={"kind": kind})
    if stage not in Stage.values:
        raise ValidationFailed(_("未知的阶段"), fields={"stage": stage})
    if event.status not in STAGE_OPEN[Stage(stage)]:
        raise Conflict(_("当前状态下不能录入该阶段的活动数据"), code="stage_closed")
    if not data:
        raise ValidationFailed(_("文件为空"), code="empty_file", fields={"file": "empty"})
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            _("文件超过%(mb)d MB，请拆分后上传") % {"mb": MAX_BYTES >> 20},
            code="file_too_large",
            fields={"file": len(data)},
        )
    if bad_character(file_name, multiline=False):
        raise ValidationFailed(_("文件名含有控制字符"), fields={"file_name": "control_character"})


@transaction.atomic
def import_create(
    *, actor: Actor, code: object, kind: str, stage: str, data: bytes, file_name: str = "", idempotency_key: object = ""
) -> Import:
    """Store an uploaded file and process it (now, or by a worker for a big file). Same live file → Conflict."""
    event = _event(actor, code)
    file_name = str(file_name or "")[:200]
    _check_upload(kind, stage, data, file_name, event)
    sha256 = hashlib.sha256(data).hexdigest()
    return run_idempotent(
        organization=actor.organization,
        key=idempotency_key,
        operation="import_create",
        params={"event": str(event.code), "kind": kind, "stage": stage, "sha256": sha256},
        perform=lambda: _create(actor, event, kind, stage, data, file_name, sha256),
        ref=lambda found: str(found.code),
        load=lambda ref: Import.objects.get(code=ref, event=event),
    )


def _duplicate(existing: Import) -> Conflict:
    return Conflict(
        _("同一文件已于%(when)s上传（同一 SHA-256），不会重复计入")
        % {"when": timezone.localtime(existing.created_at).strftime("%Y-%m-%d %H:%M")},
        code="duplicate_file",
        fields={"import": str(existing.code), "sha256": existing.sha256},
    )


def _create(actor: Actor, event: Event, kind: str, stage: str, data: bytes, file_name: str, sha256: str) -> Import:
    live = Import.objects.filter(event=event, sha256=sha256, kind=kind, stage=stage).exclude(status__in=NOT_LIVE)
    if (existing := live.first()) is not None:
        raise _duplicate(existing)
    found = Import(
        event=event, kind=kind, stage=stage, sha256=sha256, size_bytes=len(data), file_name=file_name,
        file_format="xlsx" if is_xlsx(data) else "csv", rows_estimate=estimate_rows(data), created_by=actor.user,
    )  # fmt: skip
    found.file.save("upload", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            found.save()
    except IntegrityError:  # the same file, uploaded at the same moment by another request
        found.file.delete(save=False)
        raise _duplicate(live.first() or found) from None
    _schedule(found, data)
    audit_append(actor=actor, action="import.create", target=found)
    return found


def _schedule(found: Import, data: bytes) -> None:
    """Process a small file now; queue a big one for a worker (its page shows the progress)."""
    if found.rows_estimate > getattr(settings, "ZHONGHE_IMPORT_INLINE_ROWS", INLINE_ROWS):
        from zhonghe.jobs.services import job_enqueue

        found.job = job_enqueue(kind=JOB_KIND, payload={"import": found.pk}, organization=found.event.organization)
        found.status = ImportStatus.QUEUED
        found.rows_read = found.rows_validated = found.rows_resolved = 0  # a second pass starts from zero
        found.save(update_fields=["job", "status", "rows_read", "rows_validated", "rows_resolved", "updated_at"])
        return
    _record_outcome(found, analyse(found, data, None))


def import_process(*, import_id: int, report: Report | None = None) -> dict[str, Any]:
    """A worker's processing of a queued import (not atomic: progress is visible while it runs)."""
    found = Import.objects.select_related("event").get(pk=import_id)
    if found.status not in (ImportStatus.QUEUED, ImportStatus.PROCESSING):
        return {"import": str(found.code), "status": found.status}  # a retried job whose work is done
    Import.objects.filter(pk=found.pk).update(status=ImportStatus.PROCESSING, updated_at=timezone.now())
    with found.file.open("rb") as stored:
        data = stored.read()
    outcome = analyse(found, data, report)
    with transaction.atomic():
        locked = Import.objects.select_for_update().select_related("event").get(pk=found.pk)
        if locked.status in (ImportStatus.QUEUED, ImportStatus.PROCESSING):
            before = audit_snapshot(locked)
            _record_outcome(locked, outcome)
            audit_append(actor=None, action="import.process", target=locked, before=before)  # worker: run_jobs
        return {"import": str(locked.code), "status": locked.status, "rows": locked.row_count}


def progress_writer(found: Import, *, job_id: int | None = None, worker: str = "") -> Report:
    """Write rows read / validated / resolved on the import (and keep the job's lock alive)."""

    def report(step: str, rows: int) -> None:
        Import.objects.filter(pk=found.pk).update(**{f"rows_{step}": rows}, updated_at=timezone.now())
        if job_id is not None:
            from zhonghe.jobs.services import job_progress

            total = max(rows, found.rows_estimate)
            job_progress(job_id=job_id, worker=worker, rows_done=rows, rows_total=total)

    return report


def _record_outcome(found: Import, outcome: dict[str, Any]) -> None:
    parsed: ParseResult = outcome["parsed"]
    errors = error_dicts(parsed.errors)
    if outcome["engine_error"]:
        errors.append({"row": None, "column": "", "code": "engine_refused", "value": "",
                       "message_zh": outcome["engine_error"], "message_en": outcome["engine_error"]})  # fmt: skip
    found.errors = errors[: getattr(settings, "ZHONGHE_IMPORT_STORED_ERRORS", STORED_ERRORS)]
    found.error_count = len(errors)
    found.row_count, found.encoding, found.header_row = parsed.row_count, parsed.encoding, parsed.header_row
    found.rows_read = found.rows_validated = parsed.row_count
    found.rows_resolved = outcome["resolved"]
    found.places = place_entries(parsed.places, outcome["counts"])
    found.release_code = outcome["release"].code
    found.lines = outcome.get("lines", []) if not errors else []
    found.line_count = len(found.lines)
    found.total_kg_co2e = outcome.get("total") if not errors else None
    if errors and parsed.header_row is not None:
        with found.file.open("rb") as stored:
            annotated = annotated_file(stored.read(), parsed.errors, parsed.header_row)
        found.annotated_file.save("errors", ContentFile(annotated), save=False)
    if any(error["code"] not in PLACE_ERRORS for error in errors):
        found.status = ImportStatus.REFUSED
    elif errors or (found.kind == ImportKind.ATTENDEES and not found.places_confirmed):
        found.status = ImportStatus.CONFIRMING
    else:
        found.status = ImportStatus.READY
    found.save()


@transaction.atomic
def import_places_confirm(*, actor: Actor, code: object, import_code: object, corrections: dict[str, str]) -> Import:
    """Confirm every place shown, correcting some: ``{text: adcode or IATA}`` applies to every row with text.

    A text mapped to "" (or to the place it resolved to) is confirmed as it is. New corrections
    process the file again (by a worker for a big file); an unknown code is refused naming the text.
    """
    found = _locked_import(actor, code, import_code)
    if found.status not in (ImportStatus.CONFIRMING, ImportStatus.READY) or found.committing:
        raise Conflict(_("该导入当前不能确认地点"), code="import_not_confirmable", fields={"status": found.status})
    before = audit_snapshot(found)
    current = {entry["text"]: entry for entry in found.places}
    changed: dict[str, str] = {}
    for text, chosen in (corrections or {}).items():
        if text not in current:
            raise ValidationFailed(_("文件中没有地点“%(text)s”") % {"text": text}, fields={"places": text})
        chosen = str(chosen or "").strip()
        if not chosen or chosen == current[text]["code"]:
            continue
        try:
            PlaceResolver({text: chosen})
        except UnknownPlace:
            raise ValidationFailed(
                _("未知的地点代码：%(code)s") % {"code": chosen}, code="unknown_place", fields={text: chosen}
            ) from None
        changed[text] = chosen
    found.places_confirmed = True
    if changed:
        found.corrections = {**found.corrections, **changed}
        found.status = ImportStatus.QUEUED
        found.save(update_fields=["places_confirmed", "corrections", "status", "updated_at"])
        with found.file.open("rb") as stored:
            _schedule(found, stored.read())
        audit_append(actor=actor, action="import.places_confirm", target=found, before=before)
        return found
    if found.error_count == 0:
        found.status = ImportStatus.READY
    found.save(update_fields=["places_confirmed", "status", "updated_at"])
    audit_append(actor=actor, action="import.places_confirm", target=found, before=before)
    return found


@transaction.atomic
def import_commit(*, actor: Actor, code: object, import_code: object, inline: bool = False) -> Import:
    """Record the clean, confirmed file's lines as activity data of its stage, once.

    More than ``ZHONGHE_IMPORT_INLINE_LINES`` lines are recorded by a worker (job ``imports.commit``,
    acting for the same person or key); asking again while it is queued returns the import unchanged.
    """
    found = _locked_import(actor, code, import_code)
    if found.status == ImportStatus.COMMITTED:
        raise Conflict(_("该文件已导入"), code="import_committed")
    if found.status != ImportStatus.READY:
        raise Conflict(_("请先修正错误并确认地点"), code="import_not_ready", fields={"status": found.status})
    if found.committing and not inline:
        return found
    if not inline and found.line_count > getattr(settings, "ZHONGHE_IMPORT_INLINE_LINES", INLINE_LINES):
        from zhonghe.jobs.services import job_enqueue

        who = {"user": actor.user.pk if actor.user else None, "api_key_id": actor.api_key_id}
        found.job = job_enqueue(
            kind=COMMIT_KIND, payload={"import": found.pk, **who}, organization=found.event.organization
        )
        found.save(update_fields=["job", "updated_at"])
        return found
    before = audit_snapshot(found)
    records = [
        footprint_services.activity_add(actor=actor, code=found.event.code, stage=found.stage, **fields)
        for fields in found.lines
    ]
    found.activity_records.add(*records)
    found.status, found.committed_at = ImportStatus.COMMITTED, timezone.now()
    found.save(update_fields=["status", "committed_at", "updated_at"])
    audit_append(actor=actor, action="import.commit", target=found, before=before)  # after the activity.create entries
    return found


def import_commit_queued(*, import_id: int, user_id: int | None, api_key_id: str = "") -> dict[str, Any]:
    """The worker's side of a big commit: the same service, acting for whoever asked."""
    from zhonghe.accounts.models import User
    from zhonghe.accounts.selectors import actor_for_org, actor_for_user

    found = Import.objects.select_related("event__organization").get(pk=import_id)
    if found.status != ImportStatus.COMMITTED:
        user = User.objects.filter(pk=user_id).first() if user_id else None
        actor = actor_for_user(user) if user else actor_for_org(found.event.organization, api_key_id=api_key_id)
        if actor is None:
            raise NotFound(_("导入记录不存在"))
        found = import_commit(actor=actor, code=found.event.code, import_code=found.code, inline=True)
    return {"import": str(found.code), "status": found.status, "records": found.activity_records.count()}


@transaction.atomic
def import_fail(*, import_id: int, reason: str) -> None:
    """The worker gave up on this import (last attempt failed): no longer live, nothing recorded."""
    if Import.objects.filter(pk=import_id, status__in=[ImportStatus.QUEUED, ImportStatus.PROCESSING]).update(
        status=ImportStatus.FAILED, failure=reason[:500], updated_at=timezone.now()
    ):
        audit_append(actor=None, action="import.fail", target=Import.objects.get(pk=import_id))
