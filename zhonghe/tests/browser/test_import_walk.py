"""Chromium walks an import: download the template, fill it, upload, watch the worker's progress bar, confirm
an ambiguous place, commit and see the lines in the event's activity data."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import load_workbook

from zhonghe.events.models import ActivityRecord
from zhonghe.footprints.tests.builders import make_event
from zhonghe.imports.models import Import
from zhonghe.jobs.worker import Worker
from zhonghe.tests.browser.chromium import chromium_context, page  # noqa: F401 - the Chromium fixtures
from zhonghe.web.templatetags.zhonghe_numbers import format_number

pytestmark = [
    pytest.mark.browser,
    # A worker thread writes while the live server's thread answers the progress polls. On SQLite the test
    # database is in memory with a shared cache, where a write lock fails at once ("database table is locked")
    # instead of waiting as the file database of `make run` does; the walk runs on PostgreSQL (CI runs both).
    pytest.mark.skipif(connection.vendor == "sqlite", reason="threads writing to in-memory SQLite lock at once"),
    pytest.mark.django_db(transaction=True),
]

ROWS = [
    ["王五", "成都东站", None, "高铁", "是", 3, None, None, None],
    ["赵六", "鼓楼区", None, "高铁", "否", 2, None, None, None],
    ["钱七", "Chengdu", None, "高铁", "是", 1, None, None, None],
]


@pytest.fixture
def worker():
    """A run_jobs worker in a thread, started when the test asks (so the progress bar is seen first)."""
    made = Worker(worker_id="browser-walk", sleep_s=0.2)

    def run():
        try:
            made.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    yield thread
    made.stop()
    if thread.ident is not None:
        thread.join(timeout=30)


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.ZHONGHE_IMPORT_INLINE_ROWS = 1  # even a small file goes to the worker, so there is a progress bar


def test_organiser_imports_a_filled_template(page, live_server, actors, media, worker, tmp_path):  # noqa: F811
    event = make_event(actors.organiser)
    page.goto(live_server.url + "/login/")
    page.get_by_test_id("login-username").fill("organiser")
    page.get_by_test_id("login-password").fill("pass-1234")
    page.get_by_test_id("login-submit").click()
    page.goto(f"{live_server.url}/events/{event.code}/")
    page.get_by_test_id("import-link").click()

    with page.expect_download() as download:
        page.get_by_test_id("template-attendees-xlsx").click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = workbook["数据"]
    for row in ROWS:
        sheet.append(row)
    filled = tmp_path / "参会名单.xlsx"
    workbook.save(filled)

    page.get_by_test_id("field-file").set_input_files(str(filled))
    page.get_by_test_id("field-kind").select_option("attendees")
    page.get_by_test_id("field-stage").select_option("before")
    page.get_by_test_id("import-upload").click()
    bar = page.get_by_test_id("import-bar")
    assert bar.is_visible() and page.get_by_test_id("import-state").get_attribute("data-status") == "queued"
    worker.start()
    page.wait_for_selector("[data-testid=import-state][data-status=confirming]", timeout=30_000)
    assert page.get_by_test_id("import-bar").count() == 0

    rows = page.get_by_test_id("place-row")
    texts = {rows.nth(i).get_attribute("data-text"): rows.nth(i) for i in range(rows.count())}
    assert "成都东站 → 四川省成都市" in texts["成都东站"].inner_text()
    assert texts["鼓楼区"].get_attribute("data-status") == "ambiguous"
    texts["鼓楼区"].get_by_test_id("place-select").select_option("350102")
    page.get_by_test_id("places-confirm").click()
    page.wait_for_selector("[data-testid=import-state][data-status=ready]", timeout=30_000)
    total = page.get_by_test_id("import-total").inner_text()

    page.get_by_test_id("import-commit").click()
    assert page.get_by_test_id("import-state").get_attribute("data-status") == "committed"
    page.get_by_test_id("import-inventory").click()
    records = page.get_by_test_id("record-row")
    found = Import.objects.get()
    assert records.count() == found.line_count == ActivityRecord.objects.filter(event=event).count()
    listed = page.get_by_test_id("records-before").inner_text()
    assert "福建省福州市鼓楼区" in listed and "四川省成都市" in listed
    assert "王五" not in listed and "赵六" not in listed and "张三" not in listed  # names stay out
    assert total == format_number(found.total_kg_co2e, "kg") and found.total_kg_co2e > 0
