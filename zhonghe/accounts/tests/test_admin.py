"""Organisations are created in the Django admin through organization_create, by platform admins only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from zhonghe.accounts.models import Organization, User
from zhonghe.accounts.uscc import USCC_ALPHABET, make_uscc
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

ADD = "/admin/accounts/organization/add/"
NEW_USCC = make_uscc("91500000MA444444")


def _flip_last(uscc: str) -> str:
    return uscc[:-1] + next(ch for ch in USCC_ALPHABET if ch != uscc[-1])


def _log_in(client, user: User, *, superuser: bool = True):
    user.is_staff = True
    user.is_superuser = superuser
    user.save(update_fields=["is_staff", "is_superuser"])
    client.login(username=user.username, password="pass-1234")
    return client


@pytest.fixture
def operator(client, actors):
    return _log_in(client, actors.users.platform)


def _form(**overrides) -> dict[str, str]:
    return {
        "name": "重庆市新单位",
        "uscc": NEW_USCC,
        "kind": "institution",
        "level": "district",
        "district_code": "500156",
    } | overrides


def _refused(client, data: dict, status: int) -> object:
    before = db_snapshot()
    response = client.post(ADD, data)
    assert response.status_code == status
    assert_nothing_written(before)
    return response


def test_the_add_url_is_the_service_form(operator):
    assert reverse("admin:accounts_organization_add") == ADD
    response = operator.get(ADD)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/service_form.html"
    assert set(response.context["form"].fields) == {"name", "uscc", "kind", "level", "district_code"}
    assert "武隆区" in response.text and "csrfmiddlewaretoken" in response.text
    assert ADD in operator.get("/admin/accounts/organization/").text


def test_operator_creates_an_organisation_with_a_normalised_uscc(operator):
    messy = " " + NEW_USCC.lower()[:9] + " " + NEW_USCC.lower()[9:] + " "
    response = operator.post(ADD, _form(uscc=messy), follow=True)
    org = Organization.objects.get(name="重庆市新单位")
    assert (org.uscc, org.kind, org.level, org.district_code) == (NEW_USCC, "institution", "district", "500156")
    assert response.redirect_chain[-1][0] == reverse("admin:accounts_organization_change", args=[org.pk])
    assert "重庆市新单位" in [str(m) for m in response.context["messages"]][0]


def test_an_individual_needs_no_uscc(operator):
    operator.post(ADD, _form(name="张三", uscc="", kind="individual", level="", district_code=""))
    org = Organization.objects.get(name="张三")
    assert (org.uscc, org.level, org.district_code) == (None, "", "")


def test_a_wrong_check_character_is_refused_on_the_form(operator):
    response = _refused(operator, _form(uscc=_flip_last(NEW_USCC)), 422)
    form = response.context["form"]
    assert "第18位校验码错误" in form.errors["uscc"][0]
    assert form.non_field_errors() and "第18位校验码错误" in response.text


def test_a_taken_uscc_is_a_conflict(operator, actors):
    response = _refused(operator, _form(uscc=actors.orgs.seller.uscc), 409)
    assert response.context["form"].errors["uscc"] == ["该统一社会信用代码已注册"]
    assert "该统一社会信用代码已注册" in response.text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"district_code": "500999"}, "district_code"),
        ({"district_code": "110105"}, "district_code"),
        ({"kind": "alien"}, "kind"),
        ({"name": ""}, "name"),
        ({"uscc": ""}, "uscc"),
        ({"name": "名" * 201}, "name"),
    ],
)
def test_bad_fields_are_refused(operator, overrides, field):
    response = _refused(operator, _form(**overrides), 422)
    assert field in response.context["form"].errors


def test_a_staff_member_who_is_not_a_platform_admin_is_refused(client, actors):
    _log_in(client, actors.users.organiser)
    response = _refused(client, _form(), 403)
    assert "当前账号没有执行此操作的角色" in response.text

    actors.users.organiser.is_superuser = False
    actors.users.organiser.save(update_fields=["is_superuser"])
    actors.users.organiser.user_permissions.add(Permission.objects.get(codename="add_organization"))
    assert _refused(client, _form(), 403).context["form"].non_field_errors()


def test_staff_without_the_django_permission_or_a_membership_is_refused(client, actors):
    _log_in(client, actors.users.organiser, superuser=False)
    assert "form" not in (_refused(client, _form(), 403).context or {})
    _log_in(client, User.objects.create_user(username="loner", password="pass-1234"))
    response = _refused(client, _form(), 403)
    assert "当前账号未加入任何单位" in response.context["form"].non_field_errors()


def test_change_and_delete_stay_impossible(operator, actors):
    org = actors.orgs.seller
    change = reverse("admin:accounts_organization_change", args=[org.pk])
    page = operator.get(change)
    assert page.status_code == 200
    assert not page.context["has_change_permission"] and 'name="_save"' not in page.text
    before = db_snapshot()
    assert operator.post(change, {"name": "改名", "kind": "other"}).status_code == 403
    delete = reverse("admin:accounts_organization_delete", args=[org.pk])
    assert operator.post(delete, {"post": "yes"}).status_code == 403
    assert_nothing_written(before)
