"""HTTP benchmark: the public certificate JSON and verification page under wrk, against the server
`make run` starts (manage.py serve: gunicorn gthread + WhiteNoise, DEBUG off, SQLite), beside nginx
serving the same JSON body as a static file in the same run. Loopback only, bounded duration.

    .venv/bin/python bench/bench_http.py [--duration 15] [--connections 32] [--threads 2]
        [--web-workers N] [--web-threads N] [--only json,verify,static,nginx]

Prints req/s, p50/p99 latency and the ratio to nginx. Goal: ≥ 2,000 req/s for the JSON, p99 < 30 ms,
≥ 25 % of nginx. Request limits are raised for the run (a load generator on one address would be
throttled otherwise), so their bookkeeping is still measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zhonghe.tests.servers import (  # noqa: E402
    MANAGE,
    Processes,
    free_port,
    get,
    nginx_main_conf,
    prepare_site,
    site_env,
    wait_http,
)

SITE_DIR = ROOT / "var" / "bench-http"
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


STATIC_PROBE = "/static/web/confirm.js"  # collected by prepare_site; served by WhiteNoise


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/sec and the 50 %/99 % latencies (ms) from `wrk --latency`; errors counted too."""

    def latency(pct: str) -> float:
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS_MS[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "bad": float(non_2xx.group(1)) if non_2xx else 0.0,
        "errors": float(sum(int(g) for g in errors.groups())) if errors else 0.0,
    }


def run_wrk(url: str, *, duration_s: int, connections: int, threads: int) -> dict[str, float]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--latency", url]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration_s + 60, check=True)
    return parse_wrk(result.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement (default 15)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--web-workers", default="", help="gunicorn processes (default: deploy/gunicorn.conf.py)")
    parser.add_argument("--web-threads", default="", help="threads per gunicorn process (default: the same)")
    parser.add_argument("--only", default="json,verify,static,nginx", help="targets to measure (nginx always runs)")
    args = parser.parse_args(argv)
    wrk, nginx = shutil.which("wrk"), shutil.which("nginx") or "/usr/sbin/nginx"
    if not wrk or not Path(nginx).exists():
        print("bench_http: needs wrk and nginx (Debian packages wrk, nginx); skipped")
        return

    SITE_DIR.mkdir(parents=True, exist_ok=True)
    defaults = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    sizing = {
        "ZHONGHE_WEB_WORKERS": args.web_workers or str(defaults["workers"]),
        "ZHONGHE_WEB_THREADS": args.web_threads or str(defaults["threads"]),
    }
    env = site_env(
        SITE_DIR,
        ZHONGHE_PUBLIC_RATE="100000000/min",
        ZHONGHE_API_RATE="100000000/min",
        **sizing,
    )
    print(f"preparing the demo site in {SITE_DIR.relative_to(ROOT)} (migrate, seed_demo, collectstatic)…")
    prepare_site(env)
    app_port, static_port = free_port(), free_port()
    procs = Processes()
    with tempfile.TemporaryDirectory(prefix="zhonghe-bench-") as tmp:
        tmp_dir = Path(tmp)
        try:
            serve = procs.start([sys.executable, MANAGE, "serve", "--bind", f"127.0.0.1:{app_port}"], env,
                                tmp_dir / "serve.log")  # fmt: skip
            wait_http(app_port, "/api/v1/keys", proc=serve)
            number = get(app_port, "/api/v1/certificates").json()["items"][0]["number"]
            body = get(app_port, f"/api/v1/certificates/{number}").body
            (tmp_dir / "www").mkdir()
            (tmp_dir / "www" / "certificate.json").write_bytes(body)
            site = f"""server {{
    listen 127.0.0.1:{static_port};
    keepalive_requests 100000;
    location / {{ root {tmp_dir / "www"}; default_type application/json; }}
}}"""
            conf = nginx_main_conf(tmp_dir / "nginx", site, root=os.geteuid() == 0)
            proxy = procs.start([nginx, "-c", str(conf), "-e", str(tmp_dir / "nginx" / "error.log")], env,
                                tmp_dir / "nginx.log")  # fmt: skip
            wait_http(static_port, "/certificate.json", proc=proxy)

            wanted = {*args.only.split(","), "nginx"}
            targets = [
                (name, url)
                for key, name, url in [
                    (
                        "json",
                        "certificate JSON (gunicorn)",
                        f"http://127.0.0.1:{app_port}/api/v1/certificates/{number}",
                    ),
                    ("verify", "verify page (gunicorn)", f"http://127.0.0.1:{app_port}/verify/{number}/"),
                    # A static file from the same server (WhiteNoise, in front of Django's stack): the ceiling of
                    # what this server does per request, to set the JSON against (issue 9, item 8).
                    ("static", "static file (gunicorn WhiteNoise)", f"http://127.0.0.1:{app_port}{STATIC_PROBE}"),
                    ("nginx", "same JSON body (nginx static)", f"http://127.0.0.1:{static_port}/certificate.json"),
                ]
                if key in wanted
            ]
            load_before = os.getloadavg()
            for _, url in targets:  # warm up: imports, connections, the rendered-certificate cache
                run_wrk(url, duration_s=2, connections=args.connections, threads=args.threads)
            results = [
                (name, run_wrk(url, duration_s=args.duration, connections=args.connections, threads=args.threads))
                for name, url in targets
            ]
        finally:
            procs.stop_all()

    nginx_rps = results[-1][1]["rps"]
    load_after = os.getloadavg()
    sizing_text = (
        f"{env.get('ZHONGHE_WEB_WORKERS', 'default')} processes × {env.get('ZHONGHE_WEB_THREADS', 'default')} threads"
    )
    print(
        f"\n{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores; load average (1/5/15 min) "
        f"before {' '.join(f'{v:.2f}' for v in load_before)}, after {' '.join(f'{v:.2f}' for v in load_after)}"
    )
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s on loopback; {len(body):,} B JSON body; "
          f"gunicorn gthread ({sizing_text}), DEBUG off, SQLite (make run's server)\n")  # fmt: skip
    print(f"{'target':<32}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'of nginx':>10}{'non-2xx':>9}{'sock err':>9}")
    for name, r in results:
        print(f"{name:<32}{r['rps']:>10,.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
              f"{r['rps'] / nginx_rps:>10.1%}{r['bad']:>9,.0f}{r['errors']:>9,.0f}")  # fmt: skip
    if "json" not in wanted:
        return
    json_result = results[0][1]
    print(f"\ngoal for the JSON: ≥ 2,000 req/s ({json_result['rps']:,.0f}), p99 < 30 ms "
          f"({json_result['p99_ms']:.1f}), ≥ 25 % of nginx ({json_result['rps'] / nginx_rps:.1%})")  # fmt: skip
    static = dict(results).get("static file (gunicorn WhiteNoise)")
    if static:
        print(f"the JSON as a share of a static file from the same server: {json_result['rps'] / static['rps']:.1%}")


if __name__ == "__main__":
    main()
