"""The later apps' services append their entries in their own transaction (imports, plans, notifications,
external cancellations, invalidation, certificate correction, the gallery); a refused call appends nothing.
The same rules as test_service_entries.py, one flow per app (DB)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhonghe.audit.models import AuditEntry
from zhonghe.audit.verify import audit_verify_chain
from zhonghe.certificates.services import case_feature, certificate_correction_open, certificate_issue
from zhonghe.evaluations.tests.builders import accepted_evaluation
from zhonghe.events.models import Event
from zhonghe.events.services import event_submit
from zhonghe.footprints.tests.builders import accounted_event, buy, make_event, project_with_credits
from zhonghe.imports import services as imports
from zhonghe.imports.tests.spreadsheets import ZH, csv_bytes
from zhonghe.lib.errors import ApplicationError
from zhonghe.plans.services import reduction_measure_adopt, reduction_measure_remove
from zhonghe.plans.tests.builders import estimated_event
from zhonghe.registry.external import external_cancellation_confirm, external_cancellation_reject
from zhonghe.registry.invalidation import credits_invalidate
from zhonghe.registry.services import credits_retire
from zhonghe.registry.tests.external_builders import record

pytestmark = pytest.mark.django_db
ROWS = [["张三", "成都", "", "高铁", "是", "1", "", "", ""], ["王五", "北京", "", "飞机", "否", "2", "", "", ""]]


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def _actions(prefix: str) -> list[str]:
    rows = AuditEntry.objects.filter(action__startswith=prefix).order_by("id")
    return list(rows.values_list("action", flat=True))


def _appends_nothing(call, /, **kwargs) -> None:
    count = AuditEntry.objects.count()
    with pytest.raises(ApplicationError):
        call(**kwargs)
    assert AuditEntry.objects.count() == count


def test_an_import_logs_upload_places_and_commit_after_its_activities(actors, media):
    event = make_event(actors.organiser)
    found = imports.import_create(
        actor=actors.organiser, code=event.code, kind="attendees", stage="before", data=csv_bytes([ZH, *ROWS])
    )
    imports.import_places_confirm(actor=actors.organiser, code=event.code, import_code=found.code, corrections={})
    imports.import_commit(actor=actors.organiser, code=event.code, import_code=found.code)
    assert _actions("import.") == ["import.create", "import.places_confirm", "import.commit"]
    commit = AuditEntry.objects.get(action="import.commit")
    assert (commit.object_type, commit.object_code) == ("imports.import", str(found.code))
    assert commit.changes["status"] == ["ready", "committed"]
    created = AuditEntry.objects.filter(action="activity.create", id__lt=commit.id).count()
    assert created == found.activity_records.count() > 0  # the lines' entries come first, in one transaction
    _appends_nothing(imports.import_commit, actor=actors.organiser, code=event.code, import_code=found.code)
    _appends_nothing(
        imports.import_create,
        actor=actors.organiser, code=event.code, kind="attendees", stage="before", data=csv_bytes([ZH, *ROWS]),
    )  # fmt: skip
    assert audit_verify_chain() == []


def test_measures_log_adoption_and_removal(actors):
    event = estimated_event(actors.organiser)
    measure = reduction_measure_adopt(actor=actors.organiser, code=event.code, scenario="fewer_prints", parameter="0.5")
    _appends_nothing(reduction_measure_remove, actor=actors.outsider, code=event.code, measure_code=measure.code)
    reduction_measure_remove(actor=actors.organiser, code=event.code, measure_code=measure.code)
    adopt, remove = AuditEntry.objects.filter(action__startswith="measure.").order_by("id")
    assert (adopt.action, remove.action) == ("measure.adopt", "measure.remove")
    assert adopt.object_code == remove.object_code == str(measure.code)
    assert remove.before_digest == adopt.after_digest and remove.after_digest == ""


def test_a_reminder_is_logged_once_naming_the_command(actors):
    today = date(2028, 3, 1)
    event = event_submit(actor=actors.organiser, code=make_event(actors.organiser).code)
    Event.objects.filter(pk=event.pk).update(deadline=today + timedelta(days=1), obliged=True)
    for _run in range(2):
        call_command("check_deadlines", today=today.isoformat(), stdout=StringIO())
    (entry,) = AuditEntry.objects.filter(action="reminder.send")
    assert entry.actor_label == "command:check_deadlines" and entry.object_type == "notifications.remindersent"


def test_external_cancellations_log_record_and_review(actors):
    event, _inventory = accounted_event(actors.organiser)
    on = {"cancelled_on": timezone.localdate()}
    first = record(actors.organiser, event, first=1, last=13, **on)
    _appends_nothing(record, actor=actors.outsider, event=event, first=100, last=112, **on)  # another org's event
    _appends_nothing(record, actor=actors.organiser, event=event, first=5, last=17, **on)  # overlap: claimed
    external_cancellation_confirm(actor=actors.bureau, code=first.code)
    _appends_nothing(external_cancellation_reject, actor=actors.bureau, code=first.code, note="重复")  # reviewed
    assert _actions("external_cancellation.") == ["external_cancellation.record", "external_cancellation.confirm"]
    confirm = AuditEntry.objects.get(action="external_cancellation.confirm")
    assert confirm.changes["status"] == ["pending", "confirmed"] and confirm.actor_user_id == actors.users.bureau.pk
    assert confirm.object_code == str(first.code)


def test_invalidation_is_logged_and_a_refused_one_is_not(actors):
    project = project_with_credits(actors, 100)
    _appends_nothing(
        credits_invalidate, actor=actors.organiser, project_code=project.code, serial_first=1, serial_last=5, reason="r"
    )
    _appends_nothing(
        credits_invalidate, actor=actors.platform, project_code=project.code, serial_first=90, serial_last=120,
        reason="超出签发范围",
    )  # fmt: skip
    done = credits_invalidate(
        actor=actors.platform, project_code=project.code, serial_first=1, serial_last=5, reason="项目核证撤销"
    )
    entry = AuditEntry.objects.get(action="credits.invalidate")
    assert (entry.object_code, entry.actor_user_id) == (str(done.code), actors.users.platform.pk)
    assert entry.changes["reason"].startswith("sha256:")


def test_correction_and_gallery_featuring_are_logged(actors):
    project = project_with_credits(actors, 100)
    event, inventory = accounted_event(actors.organiser)
    buy(actors, project, 20)
    credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code,
        quantity_t=inventory.required_offset_t, reason="抵消",
    )  # fmt: skip
    accepted_evaluation(actors, event)
    certificate_issue(actor=actors.organiser, event_code=event.code)
    _appends_nothing(case_feature, actor=actors.organiser, event_code=event.code, featured=True)  # not the bureau
    for featured in (True, True, False):  # featuring twice changes nothing the second time
        case_feature(actor=actors.bureau, event_code=event.code, featured=featured)
    assert _actions("case.") == ["case.feature", "case.unfeature"]
    _appends_nothing(certificate_correction_open, actor=actors.organiser, event_code=event.code, reason=" ")
    certificate_correction_open(actor=actors.organiser, event_code=event.code, reason="遗漏了一张电费单")
    entry = AuditEntry.objects.get(action="event.correction_open")
    assert entry.object_code == str(event.code) and entry.changes["status"] == ["certified", "accounted"]
    assert audit_verify_chain() == []


def test_a_queued_import_is_logged_by_the_worker_and_so_is_giving_up(actors, media, settings, monkeypatch):
    from zhonghe.jobs.models import Job
    from zhonghe.jobs.worker import Worker

    settings.ZHONGHE_IMPORT_INLINE_ROWS = 1  # every file goes to a worker
    event = make_event(actors.organiser)
    data = csv_bytes([ZH, *ROWS])
    queued = imports.import_create(actor=actors.organiser, code=event.code, kind="attendees", stage="before", data=data)
    assert Worker(worker_id="w1").run_one().status == "done"
    processed = AuditEntry.objects.get(action="import.process")
    assert processed.object_code == str(queued.code) and processed.changes["status"] == ["processing", "confirming"]
    other = csv_bytes([ZH, ROWS[0]])
    second = imports.import_create(
        actor=actors.organiser, code=event.code, kind="attendees", stage="before", data=other
    )
    Job.objects.filter(pk=second.job_id).update(max_attempts=1)
    monkeypatch.setattr("zhonghe.imports.job_handlers.import_process", lambda **kw: 1 / 0)
    assert Worker(worker_id="w1").run_one().status == "failed"
    failed = AuditEntry.objects.get(action="import.fail")
    created = AuditEntry.objects.get(action="import.create", object_code=str(second.code))
    assert failed.changes["status"] == "failed" and failed.before_digest == created.after_digest  # its chain
    assert audit_verify_chain() == []
