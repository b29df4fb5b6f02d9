"""Every page each demo role can reach reads as Chinese on a Chinese page: no English words or internal text.

The seed's demo data is loaded; each role (and an anonymous visitor) follows every link it is offered, from the
dashboard and the home page, and each page's visible text (and the titles, labels and placeholders a person
reads) is searched for Latin-script words. Allowed: codes and identifiers written in capitals and digits
(USCC, serial and certificate numbers, project codes, IATA codes), hexadecimal hashes, and the units and names
in ALLOWED.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

ALLOWED = set(
    # units
    "t tC kg g km kWh MWh GJ L m² m³ Nm³ tCO₂e kgCO₂e gCO₂e tCO₂ kgCO₂ CO₂ CO₂e".split()
    # names: the brand, the language switcher, algorithms, a cited author
    + "Zhonghe English ECharts Excel Ed25519 Base64 Scarborough".split()
)
CHUNK = re.compile(r"[A-Za-z0-9_₂²³\-./:@·%+]+")
CODE = re.compile(r"^[A-Z0-9][A-Z0-9\-/._:·+]*$")  # USCC, CQCER-2025-0007, PDF, SHA-256, CAN
HEX = re.compile(r"^[0-9a-f]{12,}$")
IPCC = re.compile(r"^\d+(\.[0-9A-Za-z]+)+$")  # IPCC category 1.A.4.a
NUMBERISH = re.compile(r"^[0-9.,:/\-+%]+(?:[A-Za-z₂²³]+)?$")  # 12.5t, 2026-06-01, 10:00
SKIP_LINK = re.compile(r"^/(static|admin|api|media)/|\.(pdf|xlsx|csv|json|zip)(\?|$)|/logout/|lang=")
HREF = re.compile(r'<a\s[^>]*href="(/[^"#]*)"')
READ_ATTRS = re.compile(r'\s(?:title|aria-label|placeholder|alt)="([^"]*)"')
MAX_PAGES_PER_ROLE = 60


def visible_text(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    body = re.sub(r"<(code|samp|pre)\b[^>]*>.*?</\1>", " ", body, flags=re.S | re.I)  # code is code
    attrs = " ".join(READ_ATTRS.findall(body))
    return unescape(re.sub(r"<[^>]+>", " ", body) + " " + attrs)


def latin_words(text: str) -> list[str]:
    found = []
    for chunk in CHUNK.findall(text):
        token = chunk.strip("-./:·%+@")
        if not re.search(r"[A-Za-z]", token):
            continue
        if token in ALLOWED or CODE.match(token) or HEX.match(token) or IPCC.match(token) or NUMBERISH.match(token):
            continue
        if token.startswith(("http", "www.")) or "@" in token:
            continue
        if all(part in ALLOWED or CODE.match(part) or NUMBERISH.match(part) for part in re.split(r"[/·]", token)):
            continue  # kgCO₂e/kWh, t/人
        found.append(token)
    return found


ENGLISH_PUNCTUATION = re.compile(r"[\u4e00-\u9fff）][.,;:!?](?=\s|$|[\u4e00-\u9fff])")


def english_punctuation(text: str) -> list[str]:
    """A Chinese sentence ended or split by an English full stop, comma, colon…: "已核对." """
    return [m.group(0) for m in ENGLISH_PUNCTUATION.finditer(text)]


def crawl(client: Client, starts: list[str]) -> dict[str, list[str]]:
    """Follow every offered link from `starts`; {url: Latin words found} for the pages with findings."""
    seen_paths: set[str] = set()
    queue, findings = deque(starts), {}
    while queue and len(seen_paths) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        path = url.split("?")[0]
        if path in seen_paths or SKIP_LINK.search(url):
            continue
        seen_paths.add(path)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert 'lang="zh-hans"' in html, url
        if words := latin_words(visible_text(html)) + english_punctuation(visible_text(html)):
            findings[url] = sorted(set(words))
        queue.extend(unescape(h) for h in HREF.findall(html))
    return findings


@pytest.fixture
def demo(db, settings):
    settings.PUBLIC_BASE_URL = "http://testserver"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_latin_words_are_found_and_codes_are_not():
    assert latin_words("判定规则 cq-agency-meeting，角色：organiser") == ["cq-agency-meeting", "organiser"]
    assert latin_words("证书 ZH-2026-000001 · 91500101MA5J6K7L · 12.5 tCO₂e · 0.5703 kgCO₂e/kWh · CKG") == []
    assert latin_words("MEE/NBS 2023年电力因子, table ③ provincial") == ["table", "provincial"]
    assert english_punctuation("活动已撤回. 请重新申请：签名: 1.5 吨") == ["回.", "名:"]


@pytest.mark.parametrize("username", ["", "organiser", "seller", "seller2", "bureau", "verifier", "admin"])
def test_every_page_of_every_role_reads_chinese(demo, username):
    from zhonghe.accounts.models import User

    client = Client()
    starts = ["/"]
    if username:
        client.force_login(User.objects.get(username=username))
        starts = ["/dashboard/", "/"]
    findings = crawl(client, starts)
    assert findings == {}, "\n".join(f"{url}: {', '.join(words)}" for url, words in findings.items())
