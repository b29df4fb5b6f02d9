"""Credit projects are registered, and credits issued, in the Django admin through the registry services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from zhonghe.accounts.models import User
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot, register_project
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.models import CreditBlock, CreditProject, LedgerEntry, LedgerKind

pytestmark = pytest.mark.django_db

ADD = "/admin/registry/creditproject/add/"
QUANTITY_ERROR = "数量应为1至100,000,000之间的整数（吨）"


def _log_in(client, user: User, *, superuser: bool = True):
    user.is_staff = True
    user.is_superuser = superuser
    user.save(update_fields=["is_staff", "is_superuser"])
    client.login(username=user.username, password="pass-1234")
    return client


@pytest.fixture
def operator(client, actors):
    return _log_in(client, actors.users.platform)


def _form(actors, **overrides) -> dict:
    return {
        "code": "CQCER-2025-0101",
        "name": "黔江区森林经营碳汇项目",
        "credit_type": "CQCER",
        "product_category": "eco_sink",
        "methodology_code": "CQCM-009-V001",
        "vintage": "2025",
        "seller": str(actors.orgs.seller.pk),
        "origin_tags": ["RURAL_REVITALIZATION", "WULING"],
        "district_code": "500114",
        "unit_price_cny": "52.50",
        "description": "测试项目",
    } | overrides


def _issue_url(project) -> str:
    return reverse("admin:registry_creditproject_issue", args=[project.pk])


def _refused(client, url: str, data: dict, status: int):
    before = db_snapshot()
    response = client.post(url, data)
    assert response.status_code == status
    assert_nothing_written(before)
    return response


def test_operator_registers_a_project(operator, actors):
    assert reverse("admin:registry_creditproject_add") == ADD
    assert operator.get(ADD).status_code == 200
    response = operator.post(ADD, _form(actors, code=" CQCER-2025-0101 "))
    project = CreditProject.objects.get(code="CQCER-2025-0101")
    assert response.status_code == 302 and response.url == reverse(
        "admin:registry_creditproject_change", args=[project.pk]
    )
    assert (project.seller, project.vintage, project.district_code) == (actors.orgs.seller, 2025, "500114")
    assert (project.origin_tags, project.unit_price_cny) == (["RURAL_REVITALIZATION", "WULING"], Decimal("52.50"))
    assert not project.blocks.exists()


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [("code", "C" * 41, 40), ("name", "项" * 201, 200), ("methodology_code", "M" * 41, 40)],
)
def test_over_long_values_are_refused(operator, actors, field, value, limit):
    response = _refused(operator, ADD, _form(actors, **{field: value}), 422)
    assert response.context["form"].errors[field] == [f"长度不能超过{limit}个字符"]
    assert "项目信息有误" in response.text


def test_a_taken_code_is_a_conflict(operator, actors):
    register_project(actors, code="CQCER-2025-0101")
    response = _refused(operator, ADD, _form(actors), 409)
    assert response.context["form"].errors["code"] == ["项目编号已存在"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"vintage": "1999"}, "vintage"), ({"district_code": "500999"}, "district_code"), ({"seller": "0"}, "seller")],
)
def test_bad_fields_are_refused(operator, actors, overrides, field):
    assert field in _refused(operator, ADD, _form(actors, **overrides), 422).context["form"].errors


def test_operator_issues_credits_from_the_project_page(operator, actors):
    project = register_project(actors)
    change = reverse("admin:registry_creditproject_change", args=[project.pk])
    assert _issue_url(project) in operator.get(change).text
    assert operator.get(_issue_url(project)).status_code == 200

    response = operator.post(_issue_url(project), {"quantity_t": "1000"}, follow=True)
    assert response.redirect_chain[-1][0] == change
    assert "已签发1,000吨" in [str(m) for m in response.context["messages"]][0]
    operator.post(_issue_url(project), {"quantity_t": "500"})
    blocks = CreditBlock.objects.filter(project=project).order_by("serial_first")
    assert [(b.serial_first, b.serial_last, b.holder) for b in blocks] == [
        (1, 1000, actors.orgs.seller),
        (1001, 1500, actors.orgs.seller),
    ]
    entries = LedgerEntry.objects.filter(project=project, kind=LedgerKind.ISSUE).order_by("seq")
    assert [(e.serial_first, e.serial_last, e.to_org) for e in entries] == [
        (1, 1000, actors.orgs.seller),
        (1001, 1500, actors.orgs.seller),
    ]
    assert audit_registry() == []


@pytest.mark.parametrize("quantity", ["0", "-5", "100000001"])
def test_bad_quantities_are_refused(operator, actors, quantity):
    project = register_project(actors)
    response = _refused(operator, _issue_url(project), {"quantity_t": quantity}, 422)
    assert response.context["form"].errors["quantity_t"] == [QUANTITY_ERROR]
    assert QUANTITY_ERROR in response.text


def test_a_non_number_and_an_unknown_project_are_refused(operator, actors):
    project = register_project(actors)
    assert "quantity_t" in _refused(operator, _issue_url(project), {"quantity_t": "many"}, 422).context["form"].errors
    unknown = reverse("admin:registry_creditproject_issue", args=[project.pk + 1000])
    _refused(operator, unknown, {"quantity_t": "10"}, 404)


def test_a_staff_member_who_is_not_a_platform_admin_is_refused(client, actors):
    project = register_project(actors)
    organiser = actors.users.organiser
    _log_in(client, organiser)
    for url, data in ((ADD, _form(actors)), (_issue_url(project), {"quantity_t": "10"})):
        assert "当前账号没有执行此操作的角色" in _refused(client, url, data, 403).text

    _log_in(client, organiser, superuser=False)
    organiser.user_permissions.add(Permission.objects.get(codename="view_creditproject"))
    for url, data in ((ADD, _form(actors)), (_issue_url(project), {"quantity_t": "10"})):
        assert "form" not in (_refused(client, url, data, 403).context or {})
    assert _issue_url(project) not in client.get(reverse("admin:registry_creditproject_change", args=[project.pk])).text


def test_change_and_delete_stay_impossible(operator, actors):
    project = register_project(actors)
    change = reverse("admin:registry_creditproject_change", args=[project.pk])
    page = operator.get(change)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    before = db_snapshot()
    assert operator.post(change, _form(actors, name="改名")).status_code == 403
    delete = reverse("admin:registry_creditproject_delete", args=[project.pk])
    assert operator.post(delete, {"post": "yes"}).status_code == 403
    assert_nothing_written(before)
