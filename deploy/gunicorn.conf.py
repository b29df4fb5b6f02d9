"""gunicorn settings for Zhonghe (`manage.py serve` and docs/deployment.md use this file).

gthread: a few processes with several threads each; each thread keeps its database connection
(CONN_MAX_AGE) and HTTP keep-alive lets a proxy reuse connections. Tunables come from the environment.
"""

import os

bind = os.environ.get("ZHONGHE_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))
worker_class = "gthread"
workers = int(os.environ.get("ZHONGHE_WEB_WORKERS", "3"))
threads = int(os.environ.get("ZHONGHE_WEB_THREADS", "2"))
keepalive = int(os.environ.get("ZHONGHE_KEEPALIVE_S", "5"))
timeout = int(os.environ.get("ZHONGHE_WEB_TIMEOUT_S", "60"))
graceful_timeout = 20
# Restart a process now and then so slow leaks cannot grow without bound (jitter avoids all at once).
max_requests = int(os.environ.get("ZHONGHE_WEB_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("ZHONGHE_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("ZHONGHE_LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("ZHONGHE_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "zhonghe.wsgi:application"
