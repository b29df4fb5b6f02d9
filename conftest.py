"""Shared test set-up: named actors (organiser, seller, bureau reviewer, verifier, outsider, admin)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_hasher_and_key(request, tmp_path_factory):
    if not request.config.pluginmanager.hasplugin("django"):
        return  # pure tests run with -p no:django too
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SIGNING_KEY_FILE = tmp_path_factory.getbasetemp() / "signing_key.pem"
    settings.SIGNING_KEY_PEM = ""
    if not settings.SIGNING_KEY_FILE.exists():  # tests run with DEBUG off, where no key is generated on use
        from zhonghe.certificates.keys import write_key_file
        from zhonghe.certificates.signing import generate_private_key

        try:
            write_key_file(generate_private_key())
        except FileExistsError:
            pass
    settings.PUBLIC_BASE_URL = "http://testserver"
    # Pages render {% static %} without a collectstatic manifest (the served-app tests collect their own).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Limits are tested explicitly with small values (zhonghe/api/tests/test_throttling.py,
    # zhonghe/web/tests/test_login_lockout.py); no other test should ever hit them.
    settings.ZHONGHE_API_RATE = "100000/min"
    settings.ZHONGHE_PUBLIC_RATE = "100000/min"
    settings.AXES_ENABLED = False
    settings.ZHONGHE_PERIODIC_COMMANDS = {}  # no periodic jobs (audit_seal) unless a test sets them


def _org(name, kind, level, prefix_div, orgcode, district="500103"):
    from zhonghe.accounts.services import organization_create
    from zhonghe.accounts.uscc import make_uscc

    return organization_create(
        name=name, kind=kind, level=level, district_code=district, uscc=make_uscc(prefix_div + orgcode)
    )


@pytest.fixture
def actors(db):
    """Orgs, users and Actor objects for each named role. Password for every user: 'pass-1234'."""
    from types import SimpleNamespace

    from zhonghe.accounts.selectors import actor_for_user
    from zhonghe.accounts.services import user_create

    orgs = SimpleNamespace(
        organiser=_org("重庆市测试局", "agency", "municipal", "11500000", "MB1234560"[:8]),
        seller=_org("武隆区碳汇合作社", "other", "district", "93500156", "MA7654321"[:8], "500156"),
        bureau=_org("重庆市生态环境局", "agency", "municipal", "11500000", "MB0000010"[:8]),
        verifier=_org("重庆某核查机构", "other", "municipal", "91500103", "MA1111111"[:8]),
        outsider=_org("另一家单位", "soe", "municipal", "91500000", "MA2222222"[:8]),
        platform=_org("中和平台运营方", "other", "municipal", "91500000", "MA3333333"[:8]),
    )
    roles = {
        "organiser": ["organiser"],
        "seller": ["seller"],
        "bureau": ["reviewer"],
        "verifier": ["verifier"],
        "outsider": ["organiser"],
        "platform": ["admin"],
    }
    users = SimpleNamespace()
    acts = SimpleNamespace()
    for key, role_list in roles.items():
        user = user_create(username=key, password="pass-1234", organization=getattr(orgs, key), roles=role_list)
        setattr(users, key, user)
        setattr(acts, key, actor_for_user(user))
    return SimpleNamespace(orgs=orgs, users=users, **vars(acts))
