"""GET /api/v1/audit: the bureau browses by object and actor, paginated and sorted; everyone else is refused."""

from __future__ import annotations

import pytest
from django.test import Client

from zhonghe.api.tests.support import Api, assert_envelope, make_key
from zhonghe.audit.models import AuditEntry
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
    assert item["entry_hash"] == AuditEntry.objects.get(sequence=item["sequence"]).entry_hash
    typed = api("bureau").get(f"/audit?object=events.event:{event.code}").json()
    assert [i["sequence"] for i in typed["items"]] == [item["sequence"]]


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
    total = AuditEntry.objects.count()
    newest = bureau.get("/audit?limit=3").json()
    oldest = bureau.get("/audit?limit=3&sort=at").json()
    second = bureau.get("/audit?limit=3&offset=3&sort=at").json()
    assert newest["count"] == oldest["count"] == total > 6
    assert [i["sequence"] for i in newest["items"]] == [total, total - 1, total - 2]
    assert [i["sequence"] for i in oldest["items"]] == [1, 2, 3]
    assert [i["sequence"] for i in second["items"]] == [4, 5, 6]


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
