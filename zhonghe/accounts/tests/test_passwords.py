"""Every path that sets a password checks settings.AUTH_PASSWORD_VALIDATORS: a weak password is a field
error and nothing is written."""

from __future__ import annotations

import pytest

from zhonghe.accounts.models import User
from zhonghe.accounts.services import user_create
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot, refused
from zhonghe.lib.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    ["short1", "12345678901", "password123", "newclerk2026"],
    ids=["too-short", "all-digits", "common", "like-the-username"],
)
def test_user_create_refuses_a_weak_password(actors, password):
    error = refused(
        ValidationFailed,
        "weak_password",
        user_create,
        username="newclerk2026",
        password=password,
        organization=actors.orgs.organiser,
        roles=["organiser"],
    )
    assert error.fields["password"]
    assert not User.objects.filter(username="newclerk2026").exists()


def test_user_create_accepts_a_strong_password(actors):
    user = user_create(
        username="newclerk", password="lotus-river-4417", organization=actors.orgs.organiser, roles=["organiser"]
    )
    assert user.check_password("lotus-river-4417")


@pytest.fixture
def admin_client(client, actors):
    admin = actors.users.platform
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)
    return client


def test_admin_add_user_refuses_a_weak_password(admin_client):
    before = db_snapshot()
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {"username": "clerk", "usable_password": "true", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "password2" in errors or "password1" in errors
    assert_nothing_written(before)


def test_admin_change_password_refuses_a_weak_password(admin_client, actors):
    target = actors.users.seller
    response = admin_client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    target.refresh_from_db()
    assert target.check_password("pass-1234"), "a weak password was stored"
