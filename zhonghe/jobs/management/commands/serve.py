"""`python manage.py serve [--bind HOST:PORT] [--no-worker]`: what `make run` runs.

gunicorn (deploy/gunicorn.conf.py, gthread) in the foreground and one `run_jobs` worker beside it. SIGTERM
or SIGINT goes to both; when gunicorn exits for any reason the worker is stopped too, and serve exits with
gunicorn's status. In production run them as separate services instead (docs/deployment.md).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

GUNICORN_CONF = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"


class Command(BaseCommand):
    help = "Serve with gunicorn and run a background worker beside it (make run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="", help="HOST:PORT (default: ZHONGHE_BIND or 127.0.0.1:$PORT)")
        parser.add_argument("--no-worker", action="store_true", help="serve only, no run_jobs beside it")

    def handle(self, *args: object, **options: object) -> None:
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        web_cmd = [python, "-m", "gunicorn", "--config", str(GUNICORN_CONF)]
        if options["bind"]:
            web_cmd += ["--bind", str(options["bind"])]
        worker = None if options["no_worker"] else subprocess.Popen([python, manage, "run_jobs"])
        web = subprocess.Popen(web_cmd)

        def forward(signum: int, _frame: object) -> None:
            for proc in (web, worker):
                if proc is not None and proc.poll() is None:
                    proc.send_signal(signum)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        code = web.wait()
        if worker is not None:
            if worker.poll() is None:
                worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        if code:
            sys.exit(code)
