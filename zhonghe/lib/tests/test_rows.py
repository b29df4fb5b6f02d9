"""lib/rows.py: the fixed-SQL writers do what the ORM calls they replace do (defaults, auto_now_add, field
preparation, signals and the text guard, primary keys back), in one statement, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zhonghe.accounts.models import Organization
from zhonghe.audit.models import AuditEntry
from zhonghe.audit.services import audit_append
from zhonghe.lib.errors import ValidationFailed
from zhonghe.lib.rows import insert_groups, insert_rows, locked_rows, save_fields, write_batch

pytestmark = pytest.mark.django_db

STORED = ("name", "kind", "level", "district_code", "department", "uscc")


def _stored(org: Organization) -> dict:
    return Organization.objects.filter(pk=org.pk).values(*STORED).get()


def test_insert_rows_stores_what_save_stores_in_one_statement():
    saved = Organization(name="单位甲", kind="individual")
    saved.save()
    lean = [Organization(name="单位甲", kind="individual"), Organization(name="单位乙", kind="individual")]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(lean)
    assert len(queries.captured_queries) == 1
    assert all(o.pk is not None and not o._state.adding for o in lean)
    assert lean[0].pk != lean[1].pk
    assert _stored(lean[0]) == _stored(saved)  # defaults (department) as save() writes them
    assert _stored(lean[1])["name"] == "单位乙"  # ids come back in the rows' order
    row = Organization.objects.get(pk=lean[0].pk)
    assert isinstance(row.code, uuid.UUID) and row.code == lean[0].code
    assert isinstance(row.created_at, dt.datetime) and row.created_at.tzinfo is not None  # auto_now_add ran


def test_insert_rows_keeps_a_primary_key_the_row_brings():
    with transaction.atomic():
        org = Organization(name="单位丙", kind="individual")
        insert_rows([org])
        chosen = Organization(id=org.pk + 100, name="单位丁", kind="individual")
        insert_rows([chosen])
    assert Organization.objects.get(pk=org.pk + 100).name == "单位丁"


def test_insert_rows_runs_the_text_guard_and_writes_nothing_when_it_refuses():
    before = Organization.objects.count()
    with pytest.raises(ValidationFailed):
        insert_rows([Organization(name="好\x00单位", kind="individual")])
    assert Organization.objects.count() == before


def test_insert_rows_refuses_a_mix_of_rows_and_writes_nothing():
    before = Organization.objects.count()
    saved = Organization.objects.create(name="已保存", kind="individual")
    with pytest.raises(ValueError):
        insert_rows([Organization(name="新", kind="individual"), saved])
    with pytest.raises(ValueError):
        insert_rows(
            [Organization(name="新", kind="individual"), Organization(id=10_000, name="带主键", kind="individual")]
        )
    assert Organization.objects.count() == before + 1


def test_locked_rows_gives_converted_instances_and_locks_where_the_database_can():
    org = Organization.objects.create(name="单位戊", kind="individual")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        (found,) = locked_rows(Organization, "id = %s", [org.pk], order_by="id")
    assert (found.pk, found.name, found.code) == (org.pk, "单位戊", org.code)
    assert isinstance(found.code, uuid.UUID)
    assert ("FOR UPDATE" in queries.captured_queries[0]["sql"]) == connection.features.has_select_for_update


def test_write_batch_status_changes_only_the_rows_named(actors):
    from zhonghe.footprints.tests.builders import make_event

    events = [make_event(actors.organiser, name=f"活动{i}") for i in range(3)]
    with transaction.atomic():
        write_batch(status=(type(events[0]), [events[0].pk, events[2].pk], "cancelled"))
    statuses = {e.pk: type(e).objects.get(pk=e.pk).status for e in events}
    assert statuses == {events[0].pk: "cancelled", events[1].pk: events[1].status, events[2].pk: "cancelled"}


def test_audit_append_for_a_new_object_skips_the_digest_lookup_with_the_same_result():
    org = Organization.objects.create(name="单位己", kind="individual")
    other = Organization.objects.create(name="单位庚", kind="individual")
    with transaction.atomic():
        looked_up = audit_append(actor=None, action="organization.create", target=org)
        with CaptureQueriesContext(connection) as queries:
            known = audit_append(actor=None, action="organization.create", target=other, new=True)
    assert len(queries.captured_queries) == 1  # the INSERT only
    assert looked_up.before_digest == known.before_digest == ""
    assert AuditEntry.objects.get(pk=known.pk).content_hash == known.compute_content_hash()


def test_insert_groups_is_one_round_trip_on_postgresql_and_all_or_nothing():
    from django.db import IntegrityError

    taken = Organization.objects.create(name="已有", kind="other", uscc="91500000MA0000001X")
    before = Organization.objects.count()
    orgs = [Organization(name="单位辛", kind="individual")]
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            insert_groups([orgs, [Organization(name="单位壬", kind="individual")]])
    expected = 1 if connection.vendor == "postgresql" else 2
    assert len(queries.captured_queries) == expected
    assert Organization.objects.filter(pk=orgs[0].pk, name="单位辛").exists()
    clash = [Organization(name="单位癸", kind="individual")]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_groups([clash, [Organization(name="重复", kind="other", uscc=taken.uscc)]])
    assert Organization.objects.count() == before + 2  # the failed batch left nothing, its first group included
    assert not Organization.objects.filter(name="单位癸").exists()


def test_save_fields_writes_only_the_named_columns_and_runs_the_text_guard():
    org = Organization.objects.create(name="单位子", kind="individual", department="甲部门")
    org.name, org.department = "单位丑", "乙部门"
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        save_fields(org, ["name"])
    assert len(queries.captured_queries) == 1
    assert (_stored(org)["name"], _stored(org)["department"]) == ("单位丑", "甲部门")  # department not written
    org.name = "坏\x07名"
    with pytest.raises(ValidationFailed):
        save_fields(org, ["name"])
    assert Organization.objects.get(pk=org.pk).name == "单位丑"


def test_locked_rows_reads_an_extra_column_in_the_same_statement():
    org = Organization.objects.create(name="单位寅", kind="individual")
    Organization.objects.create(name="单位卯", kind="individual")
    count_sql = f"SELECT COUNT(*) FROM {Organization._meta.db_table} WHERE kind = %s"
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        (found,) = locked_rows(Organization, "id = %s", [org.pk], extra=[("people", count_sql, ["individual"])])
    assert len(queries.captured_queries) == 1
    assert found.pk == org.pk and found.people == Organization.objects.filter(kind="individual").count()
