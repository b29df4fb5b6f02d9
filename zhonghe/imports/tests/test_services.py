"""Import services on the database: validate everything first, confirm places, commit once, no names kept."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from zhonghe.data.factor_releases import load_release
from zhonghe.events.models import ActivityRecord
from zhonghe.footprints.tests.builders import make_event
from zhonghe.imports import services
from zhonghe.imports.footprint import file_footprint
from zhonghe.imports.models import Import, ImportStatus
from zhonghe.imports.selectors import import_file_bytes
from zhonghe.imports.tests.spreadsheets import ACTIVITY_ZH, EN, ZH, csv_bytes, xlsx_bytes
from zhonghe.jobs.models import Job
from zhonghe.jobs.worker import Worker
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db

ROWS = [
    ["张三", "成都", "", "高铁", "是", "1", "", "", ""],
    ["李四", "成都", "", "高铁", "是", "2", "", "", ""],
    ["王五", "北京大兴国际机场", "重庆江北国际机场", "飞机", "是", "1", "", "经济舱", ""],
    ["赵六", "北京", "", "飞机", "否", "3", "", "", ""],
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def event(actors):
    return make_event(actors.organiser)


def upload(actors, event, data, kind="attendees", stage="before", **extra):
    return services.import_create(
        actor=actors.organiser, code=event.code, kind=kind, stage=stage, data=data, file_name="名单.csv", **extra
    )


def test_clean_file_is_confirmed_then_committed_as_aggregated_lines_without_names(actors, event):
    data = csv_bytes([ZH, *ROWS])
    found = upload(actors, event, data)
    assert found.status == ImportStatus.CONFIRMING and found.error_count == 0
    assert ActivityRecord.objects.count() == 0, "nothing is recorded before the person confirms and commits"
    assert found.row_count == 4 and found.encoding == "utf-8" and len(found.sha256) == 64
    places = {entry["text"]: entry for entry in found.places}
    assert places["成都"]["label"] == "四川省成都市" and places["成都"]["count"] == 2
    assert places["500103"]["count"] == 3  # the venue fills the three empty 目的地 cells
    services.import_places_confirm(actor=actors.organiser, code=event.code, import_code=found.code, corrections={})
    committed = services.import_commit(actor=actors.organiser, code=event.code, import_code=found.code)
    records = list(ActivityRecord.objects.filter(event=event))
    assert committed.status == ImportStatus.COMMITTED and len(records) == 3  # 成都 rows share one line
    assert set(committed.activity_records.all()) == set(records)
    assert sorted(r.person_trips for r in records) == [1, 3, 3]
    assert not any(name in r.description for r in records for name in ("张三", "李四", "王五", "赵六"))
    expected = file_footprint(data, "attendees", load_release(committed.release_code), venue="500103")
    assert committed.total_kg_co2e == expected.footprint.total_kg_co2e


def test_committing_twice_is_refused_and_counts_once(actors, event):
    found = upload(actors, event, csv_bytes([ZH, *ROWS]))
    services.import_places_confirm(actor=actors.organiser, code=event.code, import_code=found.code, corrections={})
    services.import_commit(actor=actors.organiser, code=event.code, import_code=found.code)
    with pytest.raises(Conflict) as refused:
        services.import_commit(actor=actors.organiser, code=event.code, import_code=found.code)
    assert refused.value.code == "import_committed" and ActivityRecord.objects.count() == 3


def test_same_file_twice_is_a_clear_refusal_not_a_double_count(actors, event):
    data = csv_bytes([ZH, *ROWS])
    first = upload(actors, event, data)
    with pytest.raises(Conflict) as refused:
        upload(actors, event, data)
    assert refused.value.code == "duplicate_file" and refused.value.fields["import"] == str(first.code)
    assert Import.objects.count() == 1


def test_same_file_may_come_back_after_it_was_refused(actors, event):
    bad = csv_bytes([ZH, ["张三", "成都", "", "火箭", "是", "1", "", "", ""]])
    first = upload(actors, event, bad)
    assert first.status == ImportStatus.REFUSED
    second = upload(actors, event, bad)
    assert second.pk != first.pk and Import.objects.count() == 2


def test_idempotency_key_replays_the_first_import(actors, event):
    data = csv_bytes([ZH, *ROWS])
    first = upload(actors, event, data, idempotency_key="k-1")
    assert upload(actors, event, data, idempotency_key="k-1").pk == first.pk
    assert Import.objects.count() == 1


ERROR_ROWS = [
    ZH,
    ["a", "火星", "", "高铁", "是", "1", "", "", ""],  # 2 unknown place
    ["b", "成都", "", "火箭", "是", "1", "", "", ""],  # 3 unknown mode
    ["c", "成都", "", "高铁", "是", "-2", "", "", ""],  # 4 negative count
    ["d", "成都", "", "高铁", "是", "两", "", "", ""],  # 5 not a number
    ["e", "", "", "高铁", "是", "1", "", "", ""],  # 6 empty required cell
    ["f", "朝阳区", "", "高铁", "是", "1", "", "", ""],  # 7 ambiguous place
    ["g", "成都", "", "高铁", "也许", "1", "", "", ""],  # 8 unknown value
]


def test_every_bad_row_is_reported_with_its_row_and_nothing_is_written(actors, event):
    found = upload(actors, event, csv_bytes(ERROR_ROWS))
    got = {(error["row"], error["column"], error["code"]) for error in found.errors}
    assert got == {
        (2, "出发地", "unknown_place"),
        (3, "交通方式", "unknown_mode"),
        (4, "人次", "negative_number"),
        (5, "人次", "not_a_number"),
        (6, "出发地", "empty_required_cell"),
        (7, "出发地", "ambiguous_place"),
        (8, "往返", "unknown_value"),
    }
    assert found.status == ImportStatus.REFUSED and found.lines == [] and found.total_kg_co2e is None
    assert ActivityRecord.objects.count() == 0
    with pytest.raises(Conflict):
        services.import_commit(actor=actors.organiser, code=event.code, import_code=found.code)
    annotated = list(csv.reader(io.StringIO(import_file_bytes(found, annotated=True).decode("utf-8-sig"))))
    assert annotated[0][-1] == "错误" and "无法识别的交通方式" in annotated[2][-1] and annotated[1][-1]


def test_formula_and_duplicate_header_are_refused(actors, event):
    formula = xlsx_bytes([ZH, ["a", "成都", None, "高铁", "是", "=1+1"]])
    found = upload(actors, event, formula)
    assert [(e["row"], e["code"]) for e in found.errors] == [(2, "formula_cell")]
    duplicate = csv_bytes([[*ZH, "出发地"], ["a", "成都", "", "高铁", "是", "1", "", "", "", "北京"]])
    found = upload(actors, event, duplicate)
    assert "duplicate_header" in {e["code"] for e in found.errors} and found.status == ImportStatus.REFUSED
    assert ActivityRecord.objects.count() == 0


def test_merged_title_and_trailing_empty_rows(actors, event):
    def pad(sheet):
        for _ in range(5):
            sheet.append([None] * 9)

    rows = [["2027年论坛参会名单"], ZH, EN, *ROWS]
    found = upload(actors, event, xlsx_bytes(rows, merge=("A1:I1",), after=pad))
    assert found.error_count == 0 and found.row_count == 4 and found.encoding == "xlsx"


@pytest.mark.parametrize(
    ("encoding", "reported"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")]
)
def test_the_three_encodings_are_detected_and_reported(actors, event, encoding, reported):
    found = upload(actors, event, csv_bytes([ZH, *ROWS], encoding))
    assert found.encoding == reported and found.error_count == 0
    assert {entry["text"] for entry in found.places} >= {"成都", "北京"}


def test_an_undecodable_file_is_refused_naming_the_encodings_tried(actors, event):
    found = upload(actors, event, "姓名,出发地\n".encode("utf-16"))
    assert [e["code"] for e in found.errors] == ["unknown_encoding"] and found.status == ImportStatus.REFUSED


def test_ambiguous_place_lists_candidates_and_a_correction_applies_to_every_row(actors, event):
    rows = [ZH, *(["x", "朝阳区", "", "高铁", "是", "1", "", "", ""] for _ in range(3)), ROWS[0]]
    found = upload(actors, event, csv_bytes(rows))
    assert found.status == ImportStatus.CONFIRMING and found.error_count == 3
    entry = next(e for e in found.places if e["text"] == "朝阳区")
    labels = {c["label"] for c in entry["candidates"]}
    assert {"北京市朝阳区", "吉林省长春市朝阳区"} <= labels and entry["count"] == 3 and entry["needs_confirmation"]
    with pytest.raises(ValidationFailed):
        services.import_places_confirm(
            actor=actors.organiser, code=event.code, import_code=found.code, corrections={"朝阳区": "999999"}
        )
    fixed = services.import_places_confirm(
        actor=actors.organiser, code=event.code, import_code=found.code, corrections={"朝阳区": "110105"}
    )
    fixed.refresh_from_db()
    assert fixed.status == ImportStatus.READY and fixed.error_count == 0
    services.import_commit(actor=actors.organiser, code=event.code, import_code=found.code)
    beijing = ActivityRecord.objects.get(origin="110105")
    assert beijing.person_trips == 3


def test_activity_file_is_recorded_row_by_row(actors, event):
    rows = [ACTIVITY_ZH, ["电力", "electricity.grid", "12000", "kWh", "举办", "计量", "主会场用电"]]
    found = upload(actors, event, csv_bytes(rows), kind="activities")
    assert found.status == ImportStatus.READY
    services.import_commit(actor=actors.organiser, code=event.code, import_code=found.code)
    record = ActivityRecord.objects.get()
    assert (record.factor_key, record.quantity, record.quality) == ("electricity.grid", Decimal("12000"), "metered")


def test_other_organisation_sees_nothing(actors, event):
    found = upload(actors, event, csv_bytes([ZH, *ROWS]))
    with pytest.raises(NotFound):
        services.import_commit(actor=actors.outsider, code=event.code, import_code=found.code)
    with pytest.raises(NotFound):
        services.import_create(
            actor=actors.outsider, code=event.code, kind="attendees", stage="before", data=b"a", file_name=""
        )
    assert Import.objects.count() == 1


def test_bad_kind_size_and_empty_file_are_refused_before_anything_is_stored(actors, event, monkeypatch):
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    cases = (
        ("people", b"a", "validation_failed"),
        ("attendees", b"", "empty_file"),
        ("attendees", b"a" * 101, "file_too_large"),
    )
    for kind, data, code in cases:
        with pytest.raises(ValidationFailed) as refused:
            upload(actors, event, data, kind=kind)
        assert refused.value.code == code
    assert Import.objects.count() == 0


def test_big_file_goes_to_a_worker_that_reports_progress(actors, event, settings):
    settings.ZHONGHE_IMPORT_INLINE_ROWS = 3
    found = upload(actors, event, csv_bytes([ZH, *ROWS]))
    assert found.status == ImportStatus.QUEUED and found.job.kind == services.JOB_KIND
    assert found.places == [] and ActivityRecord.objects.count() == 0
    job = Worker(worker_id="w1").run_one()
    assert job is not None and job.status == "done"
    found.refresh_from_db()
    assert found.status == ImportStatus.CONFIRMING and (found.rows_read, found.rows_validated) == (4, 4)
    assert found.rows_resolved == 4 and Job.objects.get(pk=job.pk).rows_done == 4


MIXED = [
    ZH,
    ["a", "北京大兴国际机场", "", "飞机", "是", "2", "", "经济舱", ""],  # airport → the venue (a district)
    ["b", "CKG", "PEK", "飞机", "否", "1", "", "商务舱", ""],
    ["c", "成都", "", "高铁", "是", "4", "", "", ""],
    ["d", "重庆市江北区", "", "出租车", "是", "3", "", "", "2"],
    ["e", "永川区", "", "自驾", "是", "1", "55.5", "", "3"],
]


def test_footprint_file_gives_the_committed_inventory_total(actors, event, tmp_path):
    from django.core.management import call_command

    from zhonghe.engine.footprint import calculate_footprint
    from zhonghe.footprints.translate import accounting_options, to_engine

    data = csv_bytes(MIXED)
    found = upload(actors, event, data)
    services.import_places_confirm(actor=actors.organiser, code=event.code, import_code=found.code, corrections={})
    committed = services.import_commit(actor=actors.organiser, code=event.code, import_code=found.code)
    records = list(ActivityRecord.objects.filter(event=event))
    assert len(records) == 5 and any(r.distance_km is not None and not r.origin for r in records)
    release = load_release(committed.release_code)
    inventory = calculate_footprint([to_engine(r) for r in records], release, accounting_options(event))
    path = tmp_path / "名单.csv"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("footprint_file", str(path), "--destination", "500103", "--release", release.code, stdout=out)
    printed = out.getvalue().splitlines()[-1]
    assert printed == f"total_kg_co2e: {inventory.total_kg_co2e}"
    assert committed.total_kg_co2e == inventory.total_kg_co2e


def test_worker_giving_up_marks_the_import_failed_and_the_file_may_come_again(actors, event, settings, monkeypatch):
    settings.ZHONGHE_IMPORT_INLINE_ROWS = 1
    data = csv_bytes([ZH, *ROWS])
    found = upload(actors, event, data)
    Job.objects.filter(pk=found.job_id).update(max_attempts=1)

    def broken(**kwargs):
        raise OSError("storage unavailable")

    monkeypatch.setattr("zhonghe.imports.job_handlers.import_process", broken)
    assert Worker(worker_id="w1").run_one().status == "failed"
    found.refresh_from_db()
    assert found.status == ImportStatus.FAILED and "storage unavailable" in found.failure
    assert ActivityRecord.objects.count() == 0
    assert upload(actors, event, data).pk != found.pk


def test_merged_header_cell_over_data_refuses_the_file_and_writes_nothing(actors, event):
    header = ["姓名", "出发地", None, "交通方式", "往返"]
    rows = [header, ["张三", "成都", "四川", "高铁", "是"], ["李四", "成都", None, "高铁", "是"]]
    found = upload(actors, event, xlsx_bytes(rows, merge=["B1:C1"]))
    assert [(e["row"], e["column"], e["code"]) for e in found.errors] == [(2, "出发地", "merged_header")]
    assert found.status == ImportStatus.REFUSED and ActivityRecord.objects.count() == 0
    assert found.annotated_file  # an XLSX comes back as an XLSX with the error column
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(import_file_bytes(found, annotated=True))).active
    assert "合并" in str(sheet.cell(2, sheet.max_column).value)


def test_merged_header_cell_over_empty_cells_is_accepted(actors, event):
    header = ["姓名", "出发地", None, "交通方式", "往返"]
    rows = [header, ["张三", "成都", None, "高铁", "是"], ["李四", "成都", None, "高铁", "是"]]
    found = upload(actors, event, xlsx_bytes(rows, merge=["B1:C1"]))
    assert found.error_count == 0 and found.status == ImportStatus.CONFIRMING and found.row_count == 2


def test_a_correction_on_a_big_file_is_processed_again_by_a_worker(actors, event, settings):
    settings.ZHONGHE_IMPORT_INLINE_ROWS = 1
    found = upload(actors, event, csv_bytes([ZH, ["x", "鼓楼区", "", "高铁", "是", "2", "", "", ""], ROWS[0]]))
    Worker(worker_id="w1").run_one()
    found.refresh_from_db()
    assert found.status == ImportStatus.CONFIRMING and found.error_count == 1
    again = services.import_places_confirm(
        actor=actors.organiser, code=event.code, import_code=found.code, corrections={"鼓楼区": "320106"}
    )
    assert again.status == ImportStatus.QUEUED and (again.rows_read, again.rows_validated) == (0, 0)
    assert again.job_id != Job.objects.order_by("id").first().pk
    Worker(worker_id="w2").run_one()
    again.refresh_from_db()
    assert again.status == ImportStatus.READY and again.error_count == 0 and again.rows_validated == 2


def test_many_lines_are_committed_by_a_worker_acting_for_the_person(actors, event, settings):
    settings.ZHONGHE_IMPORT_INLINE_LINES = 2
    found = upload(actors, event, csv_bytes([ZH, *ROWS]))
    services.import_places_confirm(actor=actors.organiser, code=event.code, import_code=found.code, corrections={})
    queued = services.import_commit(actor=actors.organiser, code=event.code, import_code=found.code)
    assert queued.status == ImportStatus.READY and queued.committing and queued.busy
    assert ActivityRecord.objects.count() == 0
    again = services.import_commit(actor=actors.organiser, code=event.code, import_code=found.code)
    assert again.job_id == queued.job_id and Job.objects.filter(kind=services.COMMIT_KIND).count() == 1
    with pytest.raises(Conflict):
        services.import_places_confirm(actor=actors.organiser, code=event.code, import_code=found.code, corrections={})
    job = Worker(worker_id="w1").run_one()
    assert job.status == "done" and job.result["records"] == 3
    found.refresh_from_db()
    assert found.status == ImportStatus.COMMITTED and not found.busy
    assert set(ActivityRecord.objects.values_list("created_by", flat=True)) == {actors.users.organiser.pk}
