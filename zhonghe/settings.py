"""Django settings for Zhonghe, driven by environment variables (see README "Configuration")."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ZHONGHE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# Off unless asked for: `make run` is a real server; `make dev` sets DJANGO_DEBUG=true.
DEBUG = env_bool("DJANGO_DEBUG", False)
# Served over HTTPS (directly or behind a TLS-terminating proxy): secure cookies, HSTS, redirect, and a
# secret key that must come from the environment or a file, never the built-in development one.
HTTPS = env_bool("ZHONGHE_HTTPS", False)


def _secret_key() -> str:
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    key_file = Path(os.environ.get("DJANGO_SECRET_KEY_FILE", VAR_DIR / "secret_key"))
    if key_file.is_file() and key_file.read_text().strip():
        return key_file.read_text().strip()
    if HTTPS:
        raise ImproperlyConfigured("ZHONGHE_HTTPS=true needs DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE")
    return "dev-only-insecure-key-change-me"


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Absolute base for links that leave the site (QR codes, webhooks, API verify_url).
PUBLIC_BASE_URL = os.environ.get("ZHONGHE_PUBLIC_BASE_URL", "http://127.0.0.1:" + os.environ.get("PORT", "8000"))
# How long a process trusts a certificate's remembered state (revocation) before asking the database again
# (certificates/public_cache.py); 0: ask on every public read.
CERTIFICATE_STATE_TTL_S = float(os.environ.get("ZHONGHE_CERTIFICATE_STATE_TTL_S", "1"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "csp",
    "axes",
    "zhonghe.accounts",
    "zhonghe.audit",
    "zhonghe.interop",
    "zhonghe.events",
    "zhonghe.footprints",
    "zhonghe.plans",
    "zhonghe.imports",
    "zhonghe.registry",
    "zhonghe.evaluations",
    "zhonghe.certificates",
    "zhonghe.api",
    "zhonghe.web",
    "zhonghe.supervision",
    "zhonghe.notifications",
    "zhonghe.demo",
    "zhonghe.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware: static files leave before sessions, locale and the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhonghe.web.csp.StaticCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhonghe.lib.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhonghe.web.lazy_messages.LazyMessageMiddleware",  # MessageMiddleware, storage built on first use
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A view's 404/403 gets the styled page with DEBUG on too (zhonghe/web/error_pages.py).
    "zhonghe.web.error_pages.ErrorPageMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhonghe.urls"
WSGI_APPLICATION = "zhonghe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhonghe" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Persistent connections suit gunicorn's long-lived gthread workers and run_jobs; the development server
# starts a thread per request, where they would pile up, so DEBUG (make dev) closes them after each request.
CONN_MAX_AGE = env_int("ZHONGHE_CONN_MAX_AGE", 0 if DEBUG else 60)

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("ZHONGHE_SQLITE_PATH", str(VAR_DIR / "zhonghe.sqlite3")),
            # IMMEDIATE: writers take the lock at BEGIN, so two writers never deadlock on upgrade.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

# Checked on every path that sets a password: accounts.services.user_create, the admin's forms.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: the backend refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("ZHONGHE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ZHONGHE_LOGIN_COOLOFF_MINUTES", 15))
# Either trigger locks: too many failures for one account (from anywhere) or from one address (any account).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhonghe.web.views_login.locked_out"
# The client's address, the same way for login lockouts and API limits: REMOTE_ADDR, or with
# ZHONGHE_PROXY_COUNT=N the N-th address from the right of X-Forwarded-For (deploy/nginx.conf sets it).
AXES_CLIENT_IP_CALLABLE = "zhonghe.api.throttles.client_address"

# API throttling (zhonghe.api.throttles): per API key, and per client address on the public endpoints.
ZHONGHE_API_RATE = os.environ.get("ZHONGHE_API_RATE", "600/min")
ZHONGHE_PUBLIC_RATE = os.environ.get("ZHONGHE_PUBLIC_RATE", "300/min")
NINJA_NUM_PROXIES = env_int("ZHONGHE_PROXY_COUNT", 0) or None

# Shared state lives outside the process, so any number of instances can serve: sessions in the
# database, cache in the database, or both in Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "throttle",
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "zhonghe_cache"},
        # Counting every API request in the database would cost a write per read; without Redis the
        # limits are counted per process (gunicorn worker) instead.
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhonghe" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("ZHONGHE_STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one before collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ZHONGHE_MEDIA_ROOT", VAR_DIR / "media"))

# Uploaded files go through Django's storage API: a local directory by default, any S3-compatible store
# (django-storages) when ZHONGHE_S3_BUCKET is set; credentials come from the usual AWS_* variables.
# Static files: collectstatic writes hashed, compressed copies that WhiteNoise serves with a one-year cache.
if os.environ.get("ZHONGHE_S3_BUCKET"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["ZHONGHE_S3_BUCKET"],
            "endpoint_url": os.environ.get("ZHONGHE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("ZHONGHE_S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security headers. check --deploy is clean with ZHONGHE_HTTPS=true (see docs/deployment.md).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "zhonghe.web.error_pages.csrf_failure"  # a styled 403, the envelope under /api/
SESSION_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("ZHONGHE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("ZHONGHE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ZHONGHE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("ZHONGHE_HSTS_PRELOAD", True)
if env_bool("ZHONGHE_BEHIND_PROXY", False):
    # Only behind a proxy that sets this header itself (deploy/nginx.conf does), never directly exposed.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False

# django-csp: no inline script anywhere (scripts are static files); inline style attributes stay allowed.
# The API answers JSON (a policy means nothing there, and building it costs on every call); its one HTML
# page, the OpenAPI docs (ninja's Swagger UI), boots with an inline script.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/v1/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Ed25519 signing key for certificates, shared by every instance: the PEM text itself (ZHONGHE_SIGNING_KEY) or a
# key file (`manage.py signing_key init`). Generated on first use only with DEBUG on (certificates/keys.py).
SIGNING_KEY_FILE = Path(os.environ.get("ZHONGHE_SIGNING_KEY_FILE", VAR_DIR / "signing_key.pem"))
SIGNING_KEY_PEM = os.environ.get("ZHONGHE_SIGNING_KEY", "")
CERT_FONT_PATH = os.environ.get("ZHONGHE_CERT_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
DEFAULT_FACTOR_RELEASE = os.environ.get("ZHONGHE_FACTOR_RELEASE", "CQ-2025.2")
DEFAULT_JURISDICTION = os.environ.get("ZHONGHE_JURISDICTION", "cq-2025")
# Calls per client address to the stateless calculator POST /api/v1/footprint ("<n>/s|m|h|d").
ZHONGHE_FOOTPRINT_RATE = os.environ.get("ZHONGHE_FOOTPRINT_RATE", "60/m")

# Background jobs (zhonghe.jobs): a running job whose worker has not reported for this long is taken back.
ZHONGHE_JOB_LOCK_TIMEOUT_S = env_int("ZHONGHE_JOB_LOCK_TIMEOUT_S", 600)
ZHONGHE_JOB_MAX_ATTEMPTS = env_int("ZHONGHE_JOB_MAX_ATTEMPTS", 3)
# Finished periodic-command jobs are deleted after this many days (manage.py prune_jobs).
ZHONGHE_JOB_KEEP_DAYS = env_int("ZHONGHE_JOB_KEEP_DAYS", 7)
# Periodic management commands run by the run_jobs workers: "name:every_s,name:every_s" → {name: every_s}.
# Each period runs once however many workers there are (one job per period slot). Unset: the audit log sealed
# and the registry ledger sealed every 5 s (pending entries are chained within seconds of their commit;
# docs/audit.md, docs/registry.md), the deadline
# reminders hourly and old periodic jobs pruned hourly.
_PERIODIC = os.environ.get(
    "ZHONGHE_PERIODIC_COMMANDS", "audit_seal:5,ledger_seal:5,check_deadlines:3600,prune_jobs:3600"
)
ZHONGHE_PERIODIC_COMMANDS: dict[str, int] = {
    name.strip(): int(every_s)
    for name, _, every_s in (item.partition(":") for item in _PERIODIC.split(","))
    if name.strip() and every_s.strip()
}

# Deadline reminders (zhonghe.notifications) also go out by e-mail; `make run` prints them on the console.
EMAIL_BACKEND = os.environ.get("ZHONGHE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("ZHONGHE_FROM_EMAIL", "zhonghe@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHONGHE_LOG_LEVEL", "INFO")},
}
