"""Import pages: upload, errors with the annotated download, place confirmation, commit, progress polling."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhonghe.events.models import ActivityRecord
from zhonghe.imports.models import Import
from zhonghe.imports.tests.spreadsheets import ZH, csv_bytes

pytestmark = pytest.mark.django_db

ROWS = [ZH, ["张三", "成都", "", "高铁", "是", "2", "", "", ""], ["李四", "鼓楼区", "", "高铁", "是", "1", "", "", ""]]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def upload(client, event, data, **fields):
    url = reverse("web:import_new", kwargs={"code": event.code})
    form = {"kind": "attendees", "stage": "before", "file": SimpleUploadedFile("名单.csv", data), **fields}
    return client.post(url, form)


def test_event_page_links_to_the_import(organiser_client, event):
    page = organiser_client.get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    assert reverse("web:import_new", kwargs={"code": event.code}) in page


def test_upload_confirm_commit_walk(organiser_client, event):
    response = upload(organiser_client, event, csv_bytes(ROWS))
    assert response.status_code == 302
    found = Import.objects.get()
    page = organiser_client.get(response["Location"]).content.decode()
    assert "成都 → 四川省成都市" in page and 'data-status="ambiguous"' in page
    assert "福建省福州市鼓楼区" in page and "江苏省南京市鼓楼区" in page  # candidates with their province
    index = next(i for i, p in enumerate(found.places) if p["text"] == "鼓楼区")
    places_url = reverse("web:import_places", kwargs={"code": event.code, "import_code": found.code})
    confirmed = organiser_client.post(places_url, {f"code-{index}": "350102"})
    assert confirmed.status_code == 302
    found.refresh_from_db()
    assert found.status == "ready" and found.corrections == {"鼓楼区": "350102"}
    commit_url = reverse("web:import_commit", kwargs={"code": event.code, "import_code": found.code})
    assert organiser_client.post(commit_url).status_code == 302
    result = organiser_client.get(response["Location"]).content.decode()
    assert 'data-testid="import-result"' in result and "?tab=before#activities" in result
    assert ActivityRecord.objects.filter(event=event).count() == 2


def test_bad_file_lists_errors_with_rows_and_offers_the_annotated_file(organiser_client, event):
    response = upload(organiser_client, event, csv_bytes([ZH, ["a", "成都", "", "火箭", "是", "-1"]]))
    found = Import.objects.get()
    page = organiser_client.get(response["Location"]).content.decode()
    assert 'data-code="unknown_mode"' in page and 'data-code="negative_number"' in page and "<td>2</td>" in page
    annotated = organiser_client.get(
        reverse("web:import_annotated", kwargs={"code": event.code, "import_code": found.code})
    )
    assert annotated.status_code == 200 and "火箭" in annotated.content.decode("utf-8-sig")
    assert ActivityRecord.objects.count() == 0


def test_same_file_twice_shows_the_message(organiser_client, event):
    upload(organiser_client, event, csv_bytes(ROWS))
    again = upload(organiser_client, event, csv_bytes(ROWS))
    assert again.status_code == 409 and "不会重复计入" in again.content.decode()
    assert Import.objects.count() == 1


def test_progress_polls_while_busy_and_redirects_when_done(organiser_client, event, settings):
    settings.ZHONGHE_IMPORT_INLINE_ROWS = 1
    response = upload(organiser_client, event, csv_bytes(ROWS))
    found = Import.objects.get()
    page = organiser_client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<script" not in page.split("</head>")[1]
    progress_url = reverse("web:import_progress", kwargs={"code": event.code, "import_code": found.code})
    assert (
        'data-testid="import-bar"'
        in organiser_client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    )
    from zhonghe.jobs.worker import Worker

    Worker(worker_id="w").run_one()
    done = organiser_client.get(progress_url, headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == response["Location"]


def test_other_organisation_gets_404(client, actors, event, organiser_client):
    upload(organiser_client, event, csv_bytes(ROWS))
    found = Import.objects.get()
    assert client.login(username="outsider", password="pass-1234")
    kwargs = {"code": event.code, "import_code": found.code}
    for name in ("import_detail", "import_progress", "import_annotated"):
        assert client.get(reverse(f"web:{name}", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("web:import_commit", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("web:import_new", kwargs={"code": event.code})).status_code == 404


@pytest.mark.parametrize(("kind", "fmt"), [("attendees", "xlsx"), ("activities", "csv")])
def test_template_downloads(organiser_client, kind, fmt):
    response = organiser_client.get(reverse("web:import_template", kwargs={"kind": kind, "file_format": fmt}))
    assert response.status_code == 200 and response["Content-Disposition"].endswith(f'.{fmt}"')


def test_import_pages_in_english(organiser_client, event):
    from zhonghe.web.tests.test_i18n_pages import english

    response = upload(organiser_client, event, csv_bytes([ZH, ["a", "成都", "", "火箭", "是", "1"]]))
    client = english(organiser_client)
    page = client.get(response["Location"]).content.decode()
    assert "problems found; nothing was saved" in page and "unknown travel mode" in page
    assert "Download a template" in client.get(reverse("web:import_new", kwargs={"code": event.code})).content.decode()
