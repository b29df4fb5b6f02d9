"""GET /api/v1/audit: the bureau browses by object and actor, paginated and sorted; everyone else is refused."""

from __future__ import annotations

import pytest
from django.test import Client

from zhonghe.api.tests.support import Api, assert_envelope, make_key
from zhonghe.audit.models import AuditEntry
from zhonghe.audit.services import audit_seal_all
from zhonghe.footprints.tests.builders import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(actors):
    def make(who: str | None) -> Api:
        return Api(Client(), make_key(actors, who) if who else None)

    return make


def test_bureau_filters_by_object(api, actors):
    event = make_event(actors.organiser)
    make_event(actors.organiser)
    body = api("bureau").get(f"/audit?object={event.code}").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert (item["action"], item["object_type"], item["object_code"]) == (
        "event.create",
        "events.event",
        str(event.code),
    )
    assert item["actor_user_id"] == actors.users.organiser.pk
    stored = AuditEntry.objects.get(pk=item["id"])
    assert (item["sealed"], item["sequence"], item["entry_hash"]) == (False, None, None)  # pending until sealed
    assert item["content_hash"] == stored.content_hash
    typed = api("bureau").get(f"/audit?object=events.event:{event.code}").json()
    assert [i["id"] for i in typed["items"]] == [item["id"]]
    audit_seal_all()
    (sealed,) = api("bureau").get(f"/audit?object={event.code}").json()["items"]
    stored = AuditEntry.objects.get(pk=item["id"])
    assert (sealed["sealed"], sealed["sequence"], sealed["entry_hash"]) == (True, stored.sequence, stored.entry_hash)


def test_bureau_filters_by_actor_user_and_organisation(api, actors):
    make_event(actors.organiser)
    by_user = api("bureau").get(f"/audit?actor={actors.users.organiser.pk}").json()
    by_org = api("bureau").get(f"/audit?actor={actors.orgs.organiser.code}").json()
    expected = AuditEntry.objects.filter(actor_user_id=actors.users.organiser.pk).count()
    assert by_user["count"] == expected >= 1
    assert by_org["count"] == AuditEntry.objects.filter(actor_org_code=str(actors.orgs.organiser.code)).count()
    assert {i["actor_user_id"] for i in by_user["items"]} == {actors.users.organiser.pk}
    system = api("bureau").get("/audit?actor=system").json()
    assert system["count"] == AuditEntry.objects.filter(actor_label="system").count() > 0


def test_pagination_and_sort(api, actors):
    bureau = api("bureau")  # making the key appends an entry too
    audit_seal_all()
    total = AuditEntry.objects.count()
    newest = bureau.get("/audit?limit=3").json()
    oldest = bureau.get("/audit?limit=3&sort=at").json()
    second = bureau.get("/audit?limit=3&offset=3&sort=at").json()
    assert newest["count"] == oldest["count"] == total > 6
    assert [i["sequence"] for i in newest["items"]] == [total, total - 1, total - 2]
    assert [i["sequence"] for i in oldest["items"]] == [1, 2, 3]
    assert [i["sequence"] for i in second["items"]] == [4, 5, 6]


def test_pending_entries_come_after_the_sealed_chain(api, actors):
    bureau = api("bureau")
    audit_seal_all()
    sealed_count = AuditEntry.objects.count()
    make_event(actors.organiser)
    make_event(actors.organiser)
    pending_ids = list(AuditEntry.objects.filter(sequence__isnull=True).order_by("id").values_list("id", flat=True))
    assert len(pending_ids) == 2
    newest = bureau.get("/audit?limit=3").json()["items"]
    assert [(i["id"], i["sealed"]) for i in newest[:2]] == [(pending_ids[1], False), (pending_ids[0], False)]
    assert newest[2]["sequence"] == sealed_count
    oldest = bureau.get(f"/audit?sort=at&offset={sealed_count - 1}").json()["items"]
    assert [i["sequence"] for i in oldest] == [sealed_count, None, None]
    assert [i["id"] for i in oldest[1:]] == pending_ids


@pytest.mark.parametrize("who", ["organiser", "seller", "verifier", "outsider"])
def test_other_roles_are_refused(api, who):
    assert_envelope(api(who).get("/audit"), 403)


def test_no_key_is_refused(api):
    assert api(None).get("/audit").status_code == 401


@pytest.mark.parametrize(
    "query", ["actor=%E4%BA%BA%21", "sort=sequence", "limit=0", "limit=1000", "offset=-1", "object=" + "x" * 300]
)
def test_bad_filters_get_the_envelope(api, query):
    response = api("bureau").get(f"/audit?{query}")
    assert response.status_code in (400, 422), response.content
    assert_envelope(response, response.status_code)
