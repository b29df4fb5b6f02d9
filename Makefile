# Zhonghe developer entry points. Each target works on a fresh machine with python3.11 and access to PyPI:
# the virtualenv is created and (re)installed on demand. `make help` lists the targets.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Touched after a successful install; pip runs again only when pyproject.toml is newer than it.
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.PHONY: help venv prepare run dev test lint bench

help:
	@echo "make run     migrate, seed demo data, compile translations, collect static files, then serve on"
	@echo "             127.0.0.1:\$${PORT:-8000} with gunicorn + a background worker, DEBUG off"
	@echo "             (SQLite in ./var unless DATABASE_URL is set)"
	@echo "make dev     the same data, but Django's autoreloading development server with DEBUG on"
	@echo "make test    run pytest; extra arguments via PYTEST_ARGS='-k name -x'"
	@echo "make lint    ruff check, ruff format --check, mypy"
	@echo "make bench   run the benchmarks (bench/run.py: engine, then HTTP with wrk and nginx if installed)"
	@echo "make venv    create/refresh .venv (done by the targets above as needed); PYTHON=$(PYTHON)"

venv: $(STAMP)

$(PY):
	@if command -v $(PYTHON) >/dev/null 2>&1; then \
		$(PYTHON) -m venv $(VENV); \
	else \
		echo "$(PYTHON) not found, falling back to python3"; python3 -m venv $(VENV); \
	fi

# The venv may have been built by another Python; pip refuses early via requires-python in pyproject.toml.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Everything make run and make dev need before serving. DJANGO_SECRET_KEY: unless set (or its file exists),
# a random key is written once to $ZHONGHE_VAR_DIR/secret_key; never with ZHONGHE_HTTPS=true (production
# brings its own, settings refuse to start without it).
prepare: venv
	mkdir -p $${ZHONGHE_VAR_DIR:-var}
	@umask 077; key_file=$${DJANGO_SECRET_KEY_FILE:-$${ZHONGHE_VAR_DIR:-var}/secret_key}; \
	if [ -z "$$DJANGO_SECRET_KEY" ] && [ ! -s "$$key_file" ]; then \
		if [ "$$ZHONGHE_HTTPS" = true ]; then echo "ZHONGHE_HTTPS=true: set DJANGO_SECRET_KEY" >&2; exit 1; fi; \
		echo "writing a new secret key to $$key_file"; \
		$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > "$$key_file"; \
	fi
	@# The certificate signing key first (created if missing; idempotent): with DEBUG off every other command's
	@# system checks refuse to run without it.
	$(PY) manage.py signing_key init
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	@# Compiled .mo files are committed, so a machine without gettext still serves translations.
	@if command -v msgfmt >/dev/null 2>&1; then \
		echo "$(PY) manage.py compilemessages"; \
		$(PY) manage.py compilemessages --ignore '$(VENV)' --ignore node_modules --ignore var --ignore static; \
	else \
		echo "msgfmt (gettext) not found: skipping compilemessages, using the committed .mo files"; \
	fi

# gunicorn (gthread, deploy/gunicorn.conf.py) + WhiteNoise in the foreground, `run_jobs` beside it;
# Ctrl-C stops both (manage.py serve).
run: prepare
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py serve --bind 127.0.0.1:$${PORT:-8000}

dev: prepare
	DJANGO_DEBUG=true $(PY) manage.py runserver 127.0.0.1:$${PORT:-8000}

# make reports any failure as exit 2, so name the one case that is easy to miss: 5, no test collected.
test: venv
	@rc=0; $(BIN)/pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)" >&2; fi; \
	exit $$rc

# All three checks run; the target fails if any of them did.
lint: venv
	@rc=0; \
	echo "ruff check"; $(BIN)/ruff check . || rc=1; \
	echo "ruff format --check"; $(BIN)/ruff format --check . || rc=1; \
	echo "mypy"; $(BIN)/mypy || rc=1; \
	exit $$rc

bench: venv
	$(PY) bench/run.py
