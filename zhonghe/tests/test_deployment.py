"""The documented deployment (docs/deployment.md) on loopback: nginx with deploy/nginx.conf terminating
TLS in front of two app instances, two run_jobs workers, one PostgreSQL. A certificate issued through
the services reads the same through either instance and verifies with the key published by the other;
a login on one instance is valid on the other (sessions in the database); every job is run once.

PostgreSQL only (SQLite is one file on one machine); skipped when nginx is missing, failed in CI
(ZHONGHE_REQUIRE_TOOLS=1)."""

from __future__ import annotations

import base64
import os
import re
import shutil
import sys
import time
import urllib.parse

import pytest
from django.db import connection
from django.utils import timezone

from zhonghe.jobs.handlers import COMMAND_KIND
from zhonghe.jobs.models import Job, JobStatus
from zhonghe.jobs.scheduler import slot_key
from zhonghe.jobs.services import job_enqueue
from zhonghe.lib.tools import require_binary
from zhonghe.tests.servers import (
    MANAGE,
    Processes,
    free_port,
    get,
    gunicorn_args,
    nginx_main_conf,
    prepare_site,
    render_nginx_site,
    self_signed_certificate,
    site_env,
    wait_http,
)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the deployment shares one PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

JOBS = 8
PERIOD_S = 3600
PROXIED = {"X-Forwarded-Proto": "https"}  # what nginx tells the app; sent directly to reach one instance


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    return found or require_binary("nginx")


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{urllib.parse.quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def cookies_of(reply, jar: dict[str, str]) -> dict[str, str]:
    for name, value in re.findall(r"(?:^|, )(\w+)=([^;,]*)", reply.headers.get("set-cookie", "")):
        if name in ("csrftoken", "sessionid"):
            jar[name] = value
    return jar


def cookie_header(jar: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


@pytest.fixture
def deployment(tmp_path):
    nginx = nginx_binary()
    var_dir = tmp_path / "site"
    var_dir.mkdir()
    env = site_env(
        var_dir,
        DATABASE_URL=database_url(),
        ZHONGHE_HTTPS="true",
        ZHONGHE_BEHIND_PROXY="true",
        ZHONGHE_PROXY_COUNT="1",
        ZHONGHE_PERIODIC_COMMANDS=f"check:{PERIOD_S}",
        ZHONGHE_WEB_WORKERS="1",
        ZHONGHE_WEB_THREADS="2",
        ZHONGHE_CONN_MAX_AGE="0",  # the test database is flushed afterwards: leave no idle connection
    )
    prepare_site(env, migrate=False)  # pytest-django migrated the test database already
    procs = Processes()
    app_ports = [free_port(), free_port()]
    https_port, http_port = free_port(), free_port()
    try:
        apps = [procs.start(gunicorn_args(p), env, tmp_path / f"app{i}.log") for i, p in enumerate(app_ports)]
        workers = [
            procs.start(
                [sys.executable, MANAGE, "run_jobs", "--sleep", "0.2", "--worker-id", f"worker-{i}"],
                env,
                tmp_path / f"worker{i}.log",
            )
            for i in range(2)
        ]
        cert, key = self_signed_certificate(tmp_path)
        site = render_nginx_site(app_ports=app_ports, https_port=https_port, http_port=http_port, cert=cert, key=key)
        nginx_dir = tmp_path / "nginx"
        conf = nginx_main_conf(nginx_dir, site, root=os.geteuid() == 0)
        proxy = procs.start([nginx, "-c", str(conf), "-e", str(nginx_dir / "error.log")], env, tmp_path / "nginx.log")
        for port, proc in zip(app_ports, apps, strict=True):
            wait_http(port, "/api/v1/keys", proc=proc)
        wait_http(https_port, "/api/v1/keys", tls=True, proc=proxy)
        yield {"apps": app_ports, "https": https_port, "http": http_port, "workers": workers, "procs": procs}
    finally:
        procs.stop_all()


def test_two_instances_behind_nginx_share_certificates_sessions_and_jobs(deployment):
    a, b = deployment["apps"]
    https = deployment["https"]
    procs = deployment["procs"]

    # Plain HTTP on the proxy goes to HTTPS.
    redirect = get(deployment["http"], "/verify/")
    assert redirect.status == 301 and redirect.headers["location"].startswith("https://")

    # The certificate seed_demo issued (through the services) reads the same through nginx and each instance.
    listing = get(https, "/api/v1/certificates", tls=True)
    assert listing.status == 200, procs.tail()
    number = listing.json()["items"][0]["number"]
    through_a = get(a, f"/api/v1/certificates/{number}", headers=PROXIED)
    through_b = get(b, f"/api/v1/certificates/{number}", headers=PROXIED)
    through_proxy = get(https, f"/api/v1/certificates/{number}", tls=True)
    assert through_a.status == through_b.status == through_proxy.status == 200
    assert through_a.json() == through_b.json() == through_proxy.json()
    assert through_proxy.headers.get("strict-transport-security", "").startswith("max-age=")

    # Verified with the key instance B publishes (cryptography, as README's offline check does).
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    cert = through_a.json()
    keys = {k["key_id"]: k for k in get(b, "/api/v1/keys", headers=PROXIED).json()}
    public_key = load_pem_public_key(keys[cert["key_id"]]["public_key_pem"].encode())
    public_key.verify(base64.b64decode(cert["signature"]), cert["payload_canonical"].encode("utf-8"))
    verify_page = get(https, f"/verify/{number}/", tls=True)
    assert verify_page.status in (200, 301, 302), verify_page.status

    # Log in through nginx; the session works on both instances directly.
    jar: dict[str, str] = {}
    login_page = get(https, "/login/", tls=True)
    cookies_of(login_page, jar)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.body).group(1).decode()
    form = urllib.parse.urlencode({"username": "organiser", "password": "zhonghe-demo", "csrfmiddlewaretoken": token})
    login = get(
        https,
        "/login/",
        tls=True,
        method="POST",
        body=form.encode(),
        headers={
            **cookie_header(jar),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{https}/login/",
        },
    )
    assert login.status == 302, login.body[:500]
    cookies_of(login, jar)
    assert "sessionid" in jar
    for port in (a, b):
        dashboard = get(port, "/dashboard/", headers={**PROXIED, **cookie_header(jar)})
        assert dashboard.status == 200, f"instance on {port} did not know the session"

    # Jobs queued once are run once, by one of the two workers; the periodic command once per period.
    started = timezone.now()
    queued = [job_enqueue(kind=COMMAND_KIND, payload={"command": "check"}) for _ in range(JOBS)]
    deadline = time.monotonic() + 120
    while Job.objects.filter(pk__in=[j.pk for j in queued]).exclude(status=JobStatus.DONE).exists():
        assert time.monotonic() < deadline, procs.tail()
        assert all(w.poll() is None for w in deployment["workers"]), procs.tail()
        time.sleep(0.2)
    rows = list(Job.objects.filter(pk__in=[j.pk for j in queued]))
    assert {(r.status, r.attempts) for r in rows} == {(JobStatus.DONE, 1)}
    assert {r.locked_by for r in rows} <= {"worker-0", "worker-1"}
    slots = {slot_key("check", PERIOD_S, started), slot_key("check", PERIOD_S, timezone.now())}
    periodic = Job.objects.filter(dedupe_key__startswith="periodic:check:")
    assert periodic.count() >= 1 and set(periodic.values_list("dedupe_key", flat=True)) <= slots
    assert periodic.count() <= len(slots)
