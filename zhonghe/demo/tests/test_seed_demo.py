"""seed_demo reports the demo objects it created or found, not the user's own data."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from zhonghe.events.models import Event


@pytest.mark.django_db
def test_the_report_counts_demo_events_only():
    from zhonghe.accounts.selectors import actor_for_user
    from zhonghe.accounts.services import organization_create, user_create
    from zhonghe.accounts.uscc import make_uscc
    from zhonghe.web.tests.conftest import make_event

    org = organization_create(
        name="某区文化馆",
        kind="institution",
        level="district",
        district_code="500103",
        uscc=make_uscc("12500103MB9A8B7C"),
    )
    own = actor_for_user(user_create(username="own", password="pass-1234", organization=org, roles=["organiser"]))
    make_event(own, name="用户自己的活动一")
    make_event(own, name="用户自己的活动二")
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    assert Event.objects.count() == 4  # two of the user's, two of the demo
    assert "2 demo events (2 created, 0 already there)" in first.getvalue()
    assert "2 demo events (0 created, 2 already there)" in second.getvalue()
    assert "4 " not in first.getvalue().split("Logins")[0]
