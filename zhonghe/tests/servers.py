"""Start the real thing on loopback ports: a prepared site directory, gunicorn via `manage.py serve`,
separate app instances and workers, nginx with deploy/nginx.conf. Used by the served-app tests and
bench/bench_http.py; every process is started here and stopped by the caller (Processes.stop_all)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANAGE = str(ROOT / "manage.py")
NGINX_SITE = ROOT / "deploy" / "nginx.conf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of `make run` for a site in var_dir (SQLite there unless DATABASE_URL is given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZHONGHE_", "DATABASE_URL"))}
    env.update(
        ZHONGHE_VAR_DIR=str(var_dir),
        DJANGO_SECRET_KEY="served-test-" + "k" * 50,
        ZHONGHE_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [sys.executable, MANAGE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_site(env: dict[str, str], *, migrate: bool = True) -> None:
    """What `make run` does before serving: the signing key first (DEBUG off refuses every command without it)."""
    manage(env, "signing_key", "init")
    if migrate:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


@dataclass
class Processes:
    procs: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def start(self, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        out = open(log, "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.procs.append(proc)
        self.logs.append(log)
        return proc

    def stop_all(self, timeout: float = 20) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.procs:
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def tail(self) -> str:
        return "\n".join(f"--- {log}\n{log.read_text(errors='replace')[-3000:]}" for log in self.logs if log.exists())


def gunicorn_args(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{port}"]  # fmt: skip


def wait_http(port: int, path: str = "/", *, tls: bool = False, timeout: float = 60, proc=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            get(port, path, tls=tls)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing answers on 127.0.0.1:{port}{path}")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        import json

        return json.loads(self.body)


def get(
    port: int, path: str, *, tls: bool = False, headers: dict[str, str] | None = None, method: str = "GET",
    body: bytes | None = None,
) -> Reply:  # fmt: skip
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        conn: http.client.HTTPConnection = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 (cryptography), for nginx's TLS on loopback."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def render_nginx_site(*, app_ports: list[int], https_port: int, http_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx.conf with its marked lines pointed at loopback ports and the test certificate."""
    text = NGINX_SITE.read_text()
    app_lines = "\n".join(f"    server 127.0.0.1:{p};" for p in app_ports)
    text, n_apps = re.subn(r"(?m)^(\s*server 127\.0\.0\.1:\d+;\s*# zhonghe-app\n)+", app_lines + "\n", text)
    replacements = [
        (r"listen 80;\s*# zhonghe-http", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;\s*# zhonghe-https.*", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"ssl_certificate \S+;\s*# zhonghe-cert", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key \S+;\s*# zhonghe-key", f"ssl_certificate_key {key};"),
    ]
    for pattern, repl in replacements:
        text, n = re.subn(pattern, repl, text)
        assert n == 1, f"deploy/nginx.conf lost its marked line {pattern!r}"
    assert n_apps == 1, "deploy/nginx.conf lost its upstream server lines"
    return text


def nginx_main_conf(directory: Path, site: str, *, extra_http: str = "", root: bool = False) -> Path:
    """A main nginx.conf for a throw-away nginx in `directory` (pid, logs and temp files there).

    As root (CI), its workers stay root so they can use the 0700 temporary directory."""
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    conf = directory / "nginx.conf"
    conf.write_text(
        ("user root;\n" if root else "")
        + f"""worker_processes 1;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
{extra_http}
{site}
}}
"""
    )
    return conf
