"""Services append their entries in their own transaction: the flow an organiser walks leaves one intact
chain naming each action, the actor and the object; a refused service leaves no entry (DB)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.test import Client

from zhonghe.accounts.models import Membership
from zhonghe.audit.models import AuditEntry
from zhonghe.audit.verify import audit_verify_chain
from zhonghe.events.models import Plan
from zhonghe.events.services import event_update, plan_save
from zhonghe.footprints.services import activity_delete
from zhonghe.footprints.tests.builders import (
    accounted_event,
    add_electricity,
    buy,
    event_fields,
    make_event,
    project_with_credits,
)
from zhonghe.lib.errors import ApplicationError
from zhonghe.registry.services import credits_retire

pytestmark = pytest.mark.django_db


def _actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_the_organiser_flow_is_logged_in_order_and_the_chain_holds(actors):
    project = project_with_credits(actors, 100)
    buy(actors, project, 20)
    event, inventory = accounted_event(actors.organiser)
    credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=13, reason="抵消"
    )
    actions = _actions()
    expected = [
        "project.register", "credits.issue", "order.create", "order.confirm", "event.create", "event.submit",
        "plan.create", "activity.create", "plan.estimate", "plan.publish", "activity.create", "inventory.freeze",
        "credits.retire",
    ]  # fmt: skip
    tail = actions[actions.index("project.register") :]
    assert tail == expected
    assert audit_verify_chain() == []
    retire = AuditEntry.objects.get(action="credits.retire")
    assert retire.actor_user_id == actors.users.organiser.pk
    assert retire.actor_org_code == str(actors.orgs.organiser.code)
    assert retire.changes["beneficiary_name"] == "[personal]"
    freeze = AuditEntry.objects.get(action="inventory.freeze")
    assert (freeze.object_type, freeze.object_code) == ("footprints.inventoryversion", str(inventory.code))


def test_accounts_services_log_the_grant_of_each_role(actors):
    grants = AuditEntry.objects.filter(action="membership.grant")
    assert grants.count() == Membership.objects.count()
    assert {g.changes["role"] for g in grants} == {"organiser", "seller", "reviewer", "verifier", "admin"}


def test_update_records_before_and_after(actors):
    event = make_event(actors.organiser)
    created = AuditEntry.objects.get(action="event.create", object_code=str(event.code))
    event_update(actor=actors.organiser, code=event.code, **event_fields(expected_participants=450))
    updated = AuditEntry.objects.get(action="event.update")
    assert updated.before_digest == created.after_digest
    assert updated.after_digest != created.after_digest
    assert updated.changes == {"expected_participants": [300, 450]}


def test_plan_text_is_logged_as_a_digest_not_as_text(actors):
    event = make_event(actors.organiser)
    plan_save(actor=actors.organiser, code=event.code, boundary="会场用电与参会人员交通")
    plan_save(actor=actors.organiser, code=event.code, boundary="会场用电、交通与住宿")
    entry = AuditEntry.objects.get(action="plan.update")
    before, after = entry.changes["boundary"]
    assert before.startswith("sha256:") and after.startswith("sha256:") and before != after
    assert "会场" not in str(entry.changes)
    assert Plan.objects.get(event=event).boundary == "会场用电、交通与住宿"


def test_activity_delete_is_logged_before_the_row_goes(actors):
    event = make_event(actors.organiser)
    record = add_electricity(actors.organiser, event.code, "before", "100")
    activity_delete(actor=actors.organiser, code=event.code, activity_code=record.code)
    entry = AuditEntry.objects.get(action="activity.delete")
    assert entry.object_code == str(record.code)
    assert entry.before_digest == AuditEntry.objects.get(action="activity.create").after_digest
    assert entry.after_digest == ""


def test_a_refused_service_appends_nothing(actors):
    event = make_event(actors.organiser)
    count = AuditEntry.objects.count()
    with pytest.raises(ApplicationError):
        event_update(actor=actors.outsider, code=event.code, **event_fields())  # another organisation's event
    with pytest.raises(ApplicationError):
        credits_retire(actor=actors.organiser, event_code=event.code, project_code="X", quantity_t=1, reason="r")
    assert AuditEntry.objects.count() == count


def test_admin_role_grant_and_revoke_are_logged_with_the_admins_user(actors):
    admin_user = actors.users.platform
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    target = actors.users.outsider
    url = f"/admin/accounts/user/{target.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200, "admin change page"
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(
        password=target.password,
        date_joined_0=target.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=target.date_joined.strftime("%H:%M:%S"),
        **{
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(target.memberships.get().pk),
            "memberships-0-user": str(target.pk),
            "memberships-0-organization": str(actors.orgs.outsider.pk),
            "memberships-0-role": "organiser",
            "memberships-0-DELETE": "on",
            "memberships-1-user": str(target.pk),
            "memberships-1-organization": str(actors.orgs.outsider.pk),
            "memberships-1-role": "seller",
        },
    )
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(target.memberships.values_list("role", flat=True)) == ["seller"]
    grant = AuditEntry.objects.filter(action="membership.grant").order_by("-id").first()
    revoke = AuditEntry.objects.get(action="membership.revoke")
    assert grant.changes["role"] == "seller" and revoke.changes["role"] == "organiser"
    assert {grant.actor_user_id, revoke.actor_user_id} == {admin_user.pk}
    assert audit_verify_chain() == []


def test_the_demo_seed_leaves_one_intact_chain_naming_the_command(db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    assert audit_verify_chain() == []
    labels = set(AuditEntry.objects.values_list("actor_label", flat=True))
    assert "command:seed_demo" in labels and "system" not in labels
    assert AuditEntry.objects.filter(action="certificate.issue").exists()


def test_admin_password_change_is_logged_without_the_password(actors):
    admin_user = actors.users.platform
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    target = actors.users.outsider
    url = f"/admin/accounts/user/{target.pk}/password/"
    response = client.post(url, {"password1": "N3w-secret-pass!", "password2": "N3w-secret-pass!"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user.password_change")
    assert (entry.object_code, entry.actor_user_id) == (str(target.pk), admin_user.pk)
    assert "N3w-secret-pass!" not in str(entry.changes) and "password" not in entry.changes
    assert audit_verify_chain() == []


def test_a_refused_admin_password_change_logs_nothing(actors):
    admin_user = actors.users.platform
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{actors.users.outsider.pk}/password/"
    assert client.post(url, {"password1": "N3w-secret-pass!", "password2": "different"}).status_code == 200
    assert not AuditEntry.objects.filter(action="user.password_change").exists()


def test_commands_name_themselves(actors):
    from django.core.management import call_command

    call_command("create_api_key", org=actors.orgs.outsider.uscc, scopes="read", stdout=StringIO())
    assert AuditEntry.objects.filter(action="api_key.create").latest("id").actor_label == "command:create_api_key"
