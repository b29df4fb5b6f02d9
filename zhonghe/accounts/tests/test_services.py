"""accounts services: organization_create, user_create, next_number (DB)."""

from __future__ import annotations

import pytest
from django.db import transaction

from zhonghe.accounts.models import Membership, NumberSequence, Organization, User
from zhonghe.accounts.selectors import actor_for_org, actor_for_user, organization_by_uscc
from zhonghe.accounts.services import next_number, organization_create, user_create
from zhonghe.accounts.uscc import make_uscc
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot
from zhonghe.lib.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

USCC = make_uscc("91500103" + "MA5ABCDE")  # a valid code: 工商 / 企业 / 渝中区


def _create(**overrides):
    fields = dict(name="重庆某会展公司", kind="other", level="municipal", district_code="500103", uscc=USCC)
    fields.update(overrides)
    return organization_create(**fields)


def test_organization_create_happy_path_normalises_the_uscc():
    spaced_lower = " ".join([USCC[:6], USCC[6:]]).lower()
    org = _create(uscc=spaced_lower, name="  重庆某会展公司 ")
    org.refresh_from_db()
    assert org.uscc == USCC
    assert org.name == "重庆某会展公司"
    assert (org.kind, org.level, org.district_code) == ("other", "municipal", "500103")
    assert org.code is not None
    assert organization_by_uscc(USCC.lower()) == org


def test_full_width_uscc_is_normalised():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in USCC)
    assert _create(uscc=full_width).uscc == USCC


@pytest.mark.parametrize(
    ("uscc", "reason_words"),
    [
        (USCC[:-1], ["18"]),  # length
        (USCC[:-1] + ("0" if USCC[-1] != "0" else "1"), ["第18位", "position 18"]),  # wrong check char
        ("I" + USCC[1:], ["第1位", "I"]),  # excluded letter
        ("X" + USCC[1:], ["第1位"]),  # unknown registration authority
        (USCC[:2] + "5A0103" + USCC[8:], ["第3–8位"]),  # division not digits
        ("", ["18"]),
    ],
    ids=["short", "check", "letter_I", "authority", "division", "empty"],
)
def test_invalid_uscc_refused_with_a_message_naming_the_problem(uscc, reason_words):
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        _create(uscc=uscc)
    assert info.value.code == "invalid_uscc"
    for word in reason_words:
        assert word in info.value.message
    assert info.value.fields["uscc"] == info.value.message
    assert_nothing_written(before)


def test_uscc_required_for_non_individuals():
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        _create(uscc=None)
    assert info.value.code == "invalid_uscc"
    assert_nothing_written(before)


def test_duplicate_uscc_conflicts_even_when_spelled_differently():
    _create()
    before = db_snapshot()
    with pytest.raises(Conflict) as info:
        _create(uscc=USCC.lower(), name="另一家")
    assert info.value.code == "uscc_taken"
    assert info.value.fields == {"uscc": USCC}
    assert_nothing_written(before)


def test_individual_without_uscc_is_allowed():
    first = organization_create(name="张三", kind="individual", uscc=None)
    second = organization_create(name="李四", kind="individual", uscc="")
    assert first.uscc is None and second.uscc is None  # NULLs never collide on the unique index
    assert Organization.objects.filter(kind="individual").count() == 2


def test_individual_with_a_uscc_gets_it_validated():
    with pytest.raises(ValidationFailed) as info:
        organization_create(name="张三", kind="individual", uscc="123")
    assert info.value.code == "invalid_uscc"


@pytest.mark.parametrize("district", ["110105", "500000", "50010", "abc"])
def test_unknown_district_refused(district):
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        _create(district_code=district)
    assert info.value.code == "unknown_district"
    assert info.value.fields == {"district_code": district}
    assert district in info.value.message
    assert_nothing_written(before)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"kind": "company"}, "kind"), ({"level": "provincial"}, "level"), ({"name": "   "}, "name")],
)
def test_bad_kind_level_or_name_refused(overrides, field):
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        _create(**overrides)
    assert info.value.code == "validation_failed"
    assert field in info.value.fields
    assert_nothing_written(before)


def test_overlong_organisation_name_refused():
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        _create(name="重" * 201)
    assert info.value.fields == {"name": "too_long"}
    assert_nothing_written(before)
    assert _create(name="重" * 200).name == "重" * 200


@pytest.mark.parametrize(
    ("username", "display_name", "field"),
    [("   ", "", "username"), ("u" * 151, "", "username"), ("dave", "名" * 101, "display_name")],
)
def test_user_create_refuses_blank_or_overlong_names(username, display_name, field):
    org = _create()
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        user_create(username=username, password="pass-1234", organization=org, roles=[], display_name=display_name)
    assert field in info.value.fields
    assert_nothing_written(before)


def test_user_create_with_roles_and_actor():
    org = _create()
    user = user_create(
        username="alice", password="pass-1234", organization=org, roles=["organiser", "seller"], display_name="Alice"
    )
    assert user.check_password("pass-1234")
    assert str(user) == "Alice"
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {"organiser", "seller"}
    actor = actor_for_user(user)
    assert actor.organization == org
    assert actor.roles == frozenset({"organiser", "seller"})
    assert actor.has("seller") and not actor.has("reviewer")
    assert actor_for_org(org).roles == frozenset({"organiser", "seller"})


def test_user_create_refuses_unknown_role_and_writes_nothing():
    org = _create()
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        user_create(username="bob", password="pass-1234", organization=org, roles=["organiser", "king"])
    assert info.value.fields == {"roles": "king"}
    assert_nothing_written(before)
    assert not User.objects.filter(username="bob").exists()


def test_user_create_duplicate_username_conflicts():
    org = _create()
    user_create(username="carol", password="pass-1234", organization=org, roles=["organiser"])
    before = db_snapshot()
    with pytest.raises(Conflict) as info:
        user_create(username="carol", password="pass-1234", organization=org, roles=["organiser"])
    assert info.value.code == "username_taken"
    assert_nothing_written(before)


def test_user_without_membership_has_no_actor():
    user = User.objects.create_user(username="loner", password="pass-1234")
    assert actor_for_user(user) is None


def test_next_number_is_gap_free_and_per_name():
    with transaction.atomic():
        assert [next_number("t-a") for _ in range(3)] == [1, 2, 3]
        assert next_number("t-b") == 1
        assert next_number("t-a") == 4
    assert NumberSequence.objects.get(name="t-a").last_value == 4


def test_next_number_rolls_back_with_the_callers_transaction():
    with transaction.atomic():
        next_number("t-c")
    try:
        with transaction.atomic():
            next_number("t-c")
            raise RuntimeError("caller failed")
    except RuntimeError:
        pass
    with transaction.atomic():
        assert next_number("t-c") == 2


@pytest.mark.django_db(transaction=True)
def test_next_number_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside a transaction"):
        next_number("t-d")
    assert not NumberSequence.objects.filter(name="t-d").exists()
