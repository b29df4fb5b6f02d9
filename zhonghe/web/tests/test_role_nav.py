"""Each role's navbar links only pages that role can use, and the pages it cannot use are refused cleanly."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from zhonghe.events.models import Event

NAV = re.compile(r'<div class="collapse navbar-collapse" id="mainnav">(.*?)</nav>', re.S)
HREF = re.compile(r'<a [^>]*href="([^"#]+)"')

MARKET = ("web:market", "web:orders", "web:holdings")
# role key in the `actors` fixture → (pages it must be offered, pages it must not be offered and is refused)
ROLES = {
    "organiser": (("web:dashboard", *MARKET, "web:event_new"), ("web:listings", "web:supervision:events")),
    "seller": (("web:dashboard", *MARKET, "web:listings"), ("web:event_new", "web:supervision:events")),
    "bureau": (("web:dashboard", "web:supervision:events"), (*MARKET, "web:event_new", "web:listings")),
    "verifier": (("web:dashboard",), (*MARKET, "web:event_new", "web:listings", "web:supervision:events")),
    "platform": (("web:dashboard", *MARKET, "web:listings", "web:supervision:events"), ("web:event_new",)),
}


def nav_links(html: str) -> list[str]:
    match = NAV.search(html)
    assert match, "navbar not found"
    return HREF.findall(match.group(1))


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_nav_link_answers_200_and_forbidden_pages_are_neither_linked_nor_served(client, actors, role):
    client.force_login(getattr(actors.users, role))
    links = nav_links(client.get(reverse("web:dashboard")).content.decode())
    offered, forbidden = ROLES[role]
    for name in offered:
        assert reverse(name) in links, name
    for href in links:
        assert client.get(href).status_code == 200, href
    for name in forbidden:
        assert reverse(name) not in links, name
        assert client.get(reverse(name)).status_code in (403, 404), name


def test_anonymous_nav_offers_only_public_pages(client, db):
    links = nav_links(client.get(reverse("web:home")).content.decode())
    assert reverse("web:login") in links
    assert reverse("web:dashboard") not in links and reverse("web:market") not in links
    for href in links:
        assert client.get(href).status_code == 200, href


def test_bureau_dashboard_offers_no_new_event_button(client, actors):
    client.force_login(actors.users.bureau)
    html = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("web:event_new") not in html
    assert client.post(reverse("web:event_new"), {"name": "x"}).status_code == 403
    assert not Event.objects.exists()


def test_a_role_refusal_names_the_role_in_words(actors):
    from zhonghe.lib.errors import PermissionDenied

    with pytest.raises(PermissionDenied) as refused:
        actors.bureau.require("organiser")
    assert "活动组织方" in refused.value.message and "organiser" not in refused.value.message


@pytest.mark.parametrize("role", ["bureau", "platform"])
def test_a_reader_of_an_event_page_is_offered_only_links_it_can_open(client, actors, role):
    from zhonghe.footprints.tests.builders import planned_event

    event = planned_event(actors.organiser)
    client.force_login(getattr(actors.users, role))
    html = client.get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    links = {h for h in HREF.findall(html) if not h.endswith((".pdf", ".xlsx"))}
    assert reverse("web:import_new", kwargs={"code": event.code}) not in links
    assert {h: client.get(h).status_code for h in links} == {h: 200 for h in links}
