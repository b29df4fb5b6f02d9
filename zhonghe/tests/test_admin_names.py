"""Every model the admin shows has a Chinese and an English name, singular and plural (issue 11, item 8):
no "Ledger entrys" made up from the class name."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.utils import translation

CJK = re.compile(r"[\u4e00-\u9fff]")


def _admin_models():
    """The platform's own models (Django's auth and django-axes bring their own names and catalogues)."""
    ours = [model for model in admin.site._registry if model.__module__.startswith("zhonghe.")]
    return sorted(ours, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", _admin_models(), ids=lambda model: model._meta.label)
def test_admin_model_names_are_chinese_and_english(model):
    meta = model._meta
    with translation.override("zh-hans"):
        zh_one, zh_many = str(meta.verbose_name), str(meta.verbose_name_plural)
    with translation.override("en"):
        en_one, en_many = str(meta.verbose_name), str(meta.verbose_name_plural)
    assert CJK.search(zh_one) and CJK.search(zh_many), (meta.label, zh_one, zh_many)
    assert not CJK.search(en_one) and not CJK.search(en_many), (meta.label, en_one, en_many)
    assert en_one[:1].isupper() and en_many[:1].isupper()
    # Django's defaults come from the class name ("ledger entry", "ledger entrys"): both names are given.
    assert {"verbose_name", "verbose_name_plural"} <= set(meta.original_attrs), meta.label


@pytest.mark.django_db
def test_the_admin_index_lists_models_by_their_names_in_both_languages(client, actors):
    operator = actors.users.platform
    operator.is_staff = operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    client.login(username=operator.username, password="pass-1234")
    zh = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登记簿分录" in zh and "Ledger entr" not in zh
    client.cookies.load({"django_language": "en"})
    en = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ledger entries" in en and "Ledger entrys" not in en and "登记簿分录" not in en
