"""The server `make run` starts (manage.py serve: gunicorn gthread + WhiteNoise + a run_jobs worker,
DEBUG off, SQLite in its own directory) answers pages, serves static files with a long cache header,
shows no debug page, and stops its worker when it is stopped. On PostgreSQL it keeps at most one database
connection per serving thread, however many requests it serves."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhonghe.tests.servers import MANAGE, Processes, free_port, get, prepare_site, site_env, wait_http


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("served")
    env = site_env(var_dir, ZHONGHE_WEB_WORKERS="1", ZHONGHE_WEB_THREADS="2")
    prepare_site(env)
    port = free_port()
    procs = Processes()
    serve = procs.start([sys.executable, MANAGE, "serve", "--bind", f"127.0.0.1:{port}"], env, var_dir / "serve.log")
    try:
        wait_http(port, "/", proc=serve)
        yield port, serve, procs
    finally:
        procs.stop_all()


def test_pages_answer_without_debug(served):
    port, _, procs = served
    home = get(port, "/")
    assert home.status == 200, procs.tail()
    assert "大型会议和活动碳中和" in home.body.decode()
    assert "script-src 'self'" in home.headers["content-security-policy"]
    missing = get(port, "/no-such-page/")
    assert missing.status == 404
    text = missing.body.decode(errors="replace")
    for debug_marker in ("Traceback", "DEBUG = True", "Using the URLconf", "technical_404"):
        assert debug_marker not in text
    assert 'data-testid="error-page" data-status="404"' in text and "页面不存在" in text  # the styled page
    assert re.search(r'href="/static/vendor/bootstrap-[^"]+/bootstrap\.min\.[0-9a-f]{12}\.css"', text)
    api_missing = get(port, "/api/v1/certificates/ZH-0000-999999")
    assert api_missing.status == 404 and api_missing.json()["error"]["code"] == "not_found"


def test_static_files_are_hashed_and_cached_for_a_year(served):
    port, _, _ = served
    page = get(port, "/").body.decode()
    css = re.search(r'href="(/static/vendor/bootstrap-[^"]+/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page does not link the hashed (collectstatic manifest) file"
    static = get(port, css.group(1), headers={"Accept-Encoding": "gzip"})
    assert static.status == 200 and static.headers["content-type"].startswith("text/css")
    cache_control = static.headers["cache-control"]
    max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in cache_control
    assert static.headers.get("content-encoding") == "gzip", "WhiteNoise's compressed copy was not served"


def test_stopping_serve_stops_gunicorn_and_the_worker(served):
    port, serve, _ = served
    children = children_of(serve.pid)
    assert len(children) == 2, "serve should run gunicorn and run_jobs"
    cmdlines = [Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode() for pid in children]
    assert any("gunicorn" in c for c in cmdlines) and any("run_jobs" in c for c in cmdlines)
    serve.send_signal(signal.SIGTERM)
    serve.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in children), "a child of serve outlived it"
    with pytest.raises(OSError):
        get(port, "/")


# ---------------------------------------------------------------- PostgreSQL: connections are reused, not leaked

WEB_PROCESSES, WEB_THREADS, CLIENTS, REQUESTS_PER_ROUND = 2, 3, 8, 240


def _database_connections() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _hammer(port: int, paths: list[str]) -> list[int]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(lambda i: get(port, paths[i % len(paths)]).status, range(REQUESTS_PER_ROUND)))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_under_gunicorn_on_postgresql_connections_stay_bounded(tmp_path):
    from django.db import connection

    from zhonghe.tests.test_deployment import database_url

    if connection.vendor != "postgresql":
        pytest.skip("counts PostgreSQL backends (pg_stat_activity)")
    env = site_env(
        tmp_path,
        DATABASE_URL=database_url(),
        ZHONGHE_WEB_WORKERS=str(WEB_PROCESSES),
        ZHONGHE_WEB_THREADS=str(WEB_THREADS),
        ZHONGHE_PUBLIC_RATE="100000/min",
    )  # CONN_MAX_AGE keeps its production default (60 s): connections persist per thread
    prepare_site(env, migrate=False)  # pytest-django migrated the test database already
    port = free_port()
    procs = Processes()
    serve = procs.start([sys.executable, MANAGE, "serve", "--bind", f"127.0.0.1:{port}"], env, tmp_path / "serve.log")
    try:
        wait_http(port, "/api/v1/keys", proc=serve)
        number = get(port, "/api/v1/certificates").json()["items"][0]["number"]
        # Pages that query the database on every request (the query string bypasses the verify-page cache).
        paths = ["/", "/api/v1/certificates", f"/verify/{number}/?from=test", "/login/", "/api/v1/ledger/head"]
        counts = []
        for _round in range(3):
            statuses = _hammer(port, paths)
            assert set(statuses) == {200}, (sorted(set(statuses)), procs.tail())
            counts.append(_database_connections())
        # One connection per serving thread at most, plus the run_jobs worker beside gunicorn (runserver's
        # thread per request left one behind per request); and no growth from round to round.
        limit = WEB_PROCESSES * WEB_THREADS + 1
        assert max(counts) <= limit, (counts, limit)
        assert counts[2] <= counts[0], counts
    finally:
        procs.stop_all()
    deadline = time.monotonic() + 10
    while _database_connections() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _database_connections() == 0, "stopping the server left connections behind"


# ---------------------------------------------------------------- a corrupt signing key stops the start


@pytest.mark.parametrize("how", ["serve", "gunicorn"])
def test_a_corrupt_signing_key_is_a_startup_error_not_a_server_answering_500(tmp_path, how):
    from zhonghe.tests.servers import gunicorn_args

    (tmp_path / "signing_key.pem").write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    env = site_env(tmp_path)
    port = free_port()
    args = [sys.executable, MANAGE, "serve", "--bind", f"127.0.0.1:{port}"] if how == "serve" else gunicorn_args(port)
    log = tmp_path / "start.log"
    procs = Processes()
    proc = procs.start(args, env, log)
    try:
        code = proc.wait(timeout=90)
    finally:
        procs.stop_all()
    assert code != 0, "the server started with a corrupt signing key"
    assert "zhonghe.E001" in log.read_text(errors="replace")
    with pytest.raises(OSError):
        get(port, "/api/v1/keys")
