"""Production settings: `check --deploy` is clean with ZHONGHE_HTTPS=true, the secret key is required
there, and every page passes a Content-Security-Policy without inline script."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [p for p in (ROOT / "zhonghe").rglob("templates") if p.is_dir()]


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZHONGHE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_over_https(tmp_path):
    env = {
        "ZHONGHE_HTTPS": "true",
        "ZHONGHE_BEHIND_PROXY": "true",
        "ZHONGHE_VAR_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": "k" * 20 + "-production-grade-secret-key-0123456789-abcdefgh",
        "DJANGO_ALLOWED_HOSTS": "zhonghe.example.cn",
    }
    created = manage("signing_key", "init", env=env)  # what make run does first; checks refuse without a key
    assert created.returncode == 0, created.stdout + created.stderr
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", env={"ZHONGHE_HTTPS": "true", "ZHONGHE_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_secret_key_is_read_from_its_file(tmp_path):
    (tmp_path / "secret_key").write_text("from-the-file-" + "x" * 40 + "\n")
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    result = manage("shell", "-c", code, env={"ZHONGHE_VAR_DIR": str(tmp_path)})
    assert result.stdout.strip().endswith("from-the-file-" + "x" * 40), result.stderr


def test_debug_is_off_unless_asked_for(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG, settings.CONN_MAX_AGE)"
    off = manage("shell", "-c", code, env={"ZHONGHE_VAR_DIR": str(tmp_path)})
    on = manage("shell", "-c", code, env={"ZHONGHE_VAR_DIR": str(tmp_path), "DJANGO_DEBUG": "true"})
    assert off.stdout.split()[-2:] == ["False", "60"], off.stderr
    # The development server starts a thread per request: no persistent connections there.
    assert on.stdout.split()[-2:] == ["True", "0"], on.stderr


def test_no_template_has_inline_script_or_event_handler():
    offenders = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag and 'type="application/json"' not in tag:
                    offenders.append(f"{template}: {tag}")
            offenders += [f"{template}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
            offenders += [f"{template}: javascript: URL" for _ in re.findall(r"javascript:", text)]
    assert offenders == []


@pytest.mark.django_db
def test_pages_send_a_strict_script_policy(client, actors):
    client.force_login(actors.users.organiser)
    for url in ("/", "/login/", "/dashboard/"):
        response = client.get(url, follow=True)
        policy = response.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'", url
        assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_the_policy_is_the_one_django_csp_builds_from_settings(client, settings):
    from csp.utils import build_policy

    assert client.get("/").headers["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy" not in client.get("/api/v1/keys").headers, "JSON API carries no page policy"
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'"]}}
    changed = client.get("/").headers["Content-Security-Policy"]
    assert changed == build_policy() and "object-src" not in changed, "a settings change was not picked up"


def test_redis_url_moves_cache_sessions_and_api_counts_to_redis(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CACHES['throttle']['BACKEND'], s.SESSION_ENGINE)"
    )
    default = manage("shell", "-c", code, env={"ZHONGHE_VAR_DIR": str(tmp_path)}).stdout.split()[-3:]
    assert default == [
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]
    env = {"ZHONGHE_VAR_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/15"}
    redis = manage("shell", "-c", code, env=env).stdout.split()[-3:]
    assert redis == [
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_redis_cache_round_trip_when_a_server_answers(tmp_path):
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    code = (
        "from django.core.cache import caches; c = caches['throttle']; "
        "c.set('zh-test-key', 41, 30); print(c.incr('zh-test-key')); c.delete('zh-test-key')"
    )
    env = {"ZHONGHE_VAR_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/15"}
    assert manage("shell", "-c", code, env=env).stdout.split()[-1] == "42"


def test_uploads_go_through_the_storage_api(tmp_path):
    code = (
        "from django.core.files.base import ContentFile; from django.core.files.storage import storages; "
        "d = storages['default']; name = d.save('imports/a.csv', ContentFile(b'x,y')); "
        "print(type(d).__name__, d.path(name))"
    )
    local = manage("shell", "-c", code, env={"ZHONGHE_VAR_DIR": str(tmp_path)}).stdout.split()[-2:]
    assert local[0] == "FileSystemStorage" and Path(local[1]).read_bytes() == b"x,y"
    assert Path(local[1]).is_relative_to(tmp_path / "media")
    s3 = manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; d = storages['default']; "
        "print(type(d).__name__, d.bucket_name)",
        env={"ZHONGHE_VAR_DIR": str(tmp_path), "ZHONGHE_S3_BUCKET": "zhonghe-uploads"},
    )
    assert s3.stdout.split()[-2:] == ["S3Storage", "zhonghe-uploads"], s3.stderr
