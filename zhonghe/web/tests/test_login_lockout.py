"""Login throttling (django-axes): too many wrong passwords lock the account, and separately the address,
until the cool-off has passed; the locked page says so in the user's language and nothing logs in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from zhonghe.web.tests.conftest import PASSWORD

LIMIT = 3


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def attempt(client: Client, username: str, password: str, addr: str = "192.0.2.10", lang: str = ""):
    suffix = f"?lang={lang}" if lang else ""
    return client.post("/login/" + suffix, {"username": username, "password": password}, REMOTE_ADDR=addr)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_lock_the_account_until_the_cool_off(actors, axes_on):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        for _ in range(LIMIT - 1):
            assert attempt(client, "organiser", "wrong-password").status_code == 200
        # The failure that reaches the limit already answers with the lockout page.
        assert attempt(client, "organiser", "wrong-password").status_code == 429
        refused = attempt(client, "organiser", PASSWORD)
        assert refused.status_code == 429
        assert "登录失败次数过多" in refused.content.decode()
        assert refused["Retry-After"] == str(15 * 60)
        assert not logged_in(client)
        # The account is locked from any address, not only the one that guessed.
        assert attempt(Client(), "organiser", PASSWORD, addr="198.51.100.7").status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        client = Client()
        assert attempt(client, "organiser", PASSWORD).status_code == 302
        assert logged_in(client)


def test_one_address_guessing_many_accounts_is_locked(actors, axes_on):
    client = Client()
    for username in ("seller", "bureau", "verifier"):
        attempt(client, username, "wrong-password", addr="192.0.2.99")
    assert attempt(client, "outsider", PASSWORD, addr="192.0.2.99").status_code == 429
    assert not logged_in(client)
    other = Client()
    assert attempt(other, "outsider", PASSWORD, addr="192.0.2.100").status_code == 302


def test_a_success_resets_the_count(actors, axes_on):
    client = Client()
    for _ in range(LIMIT - 1):
        attempt(client, "seller", "wrong-password")
    assert attempt(client, "seller", PASSWORD).status_code == 302
    client = Client()
    for _ in range(LIMIT - 1):
        attempt(client, "seller", "wrong-password")
    assert attempt(client, "seller", PASSWORD).status_code == 302


def test_lockout_message_in_english(actors, axes_on):
    client = Client()
    for _ in range(LIMIT):
        attempt(client, "organiser", "wrong-password")
    page = attempt(client, "organiser", PASSWORD, lang="en").content.decode()
    assert "Too many failed logins" in page and "15" in page
