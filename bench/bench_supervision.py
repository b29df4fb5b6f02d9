"""Bureau dashboards at scale: every dashboard query and page, and the annual workbook, on the current database.

    DATABASE_URL=postgres://… .venv/bin/python manage.py synthesize --events 100000 --yes-synthetic --force
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_supervision.py [--repeat 5]

Uses the database as it is (synthesize first); logs in as a reviewer of a synthetic bureau organisation it
creates if missing. Prints best and median ms and the SQL statements per page, and the machine's load average
at the start and the end (the figures are only comparable at a similar load). Goal: ≤ 200 ms each on
100,000 events on PostgreSQL. Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhonghe.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from zhonghe.accounts.models import Organization, User  # noqa: E402
from zhonghe.supervision import figures  # noqa: E402
from zhonghe.supervision.filters import Filters  # noqa: E402

BENCH_USER = "bench-bureau"


def _reviewer() -> User:
    from zhonghe.accounts.services import organization_create, user_create
    from zhonghe.accounts.uscc import make_uscc

    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        org = Organization.objects.filter(name="【合成数据】生态环境局").first() or organization_create(
            name="【合成数据】生态环境局", kind="agency", level="municipal", uscc=make_uscc("1150000099999999")
        )
        user = user_create(username=BENCH_USER, password="bench-1234", organization=org, roles=["reviewer"])
    return user


def _time(fn, repeat: int) -> tuple[float, float, int]:
    fn()  # warm (connections, caches, template loading)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times), len(queries)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    from zhonghe.events.models import Event

    today = timezone.localdate()
    year = today.year
    print(f"Supervision benchmark — {connection.vendor}, {Event.objects.count():,} events; best (median) ms, SQL")
    print("load average (1, 5, 15 min) at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    f_all, f_year = Filters(), Filters(year=year, level="district")
    queries = {
        "coverage_cube (all)": lambda: figures.coverage_cube(f_all, today),
        "coverage_cube (year, district)": lambda: figures.coverage_cube(f_year, today),
        "emissions_by_kind (all)": lambda: figures.emissions_by_kind(f_all, today),
        "offsets_by_project (all)": lambda: figures.offsets_by_project(f_all, today),
        "city_totals": lambda: figures.city_totals(today=today),
    }
    client = Client()
    client.force_login(_reviewer())
    pages = {
        "GET /supervision/": reverse("web:supervision:events"),
        "GET /supervision/?year&level&sort=-end&page=3": reverse("web:supervision:events")
        + f"?year={year}&level=district&sort=-end&page=3",
        "GET /supervision/emissions/": reverse("web:supervision:emissions"),
        "GET /supervision/offsets/": reverse("web:supervision:offsets"),
        "GET /supervision/deadlines/": reverse("web:supervision:deadlines"),
        "GET /figures/ (public)": reverse("web:public_figures"),
        "GET chart xlsx (coverage_department)": reverse("web:supervision:table_xlsx", args=["coverage_department"]),
        f"GET annual workbook {year}.xlsx": reverse("web:supervision:annual_xlsx", args=[year]),
        f"GET annual report {year}.pdf": reverse("web:supervision:annual_pdf", args=[year]),
    }

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    width = max(len(k) for k in [*queries, *pages]) + 2
    for name, fn in [*queries.items(), *((n, page(u)) for n, u in pages.items())]:
        best, median, sql = _time(fn, args.repeat)
        print(f"{name:<{width}} {best:8.1f} ({median:7.1f}) ms  {sql:3d} SQL")
    print("load average (1, 5, 15 min) at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
