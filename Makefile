# School Portal — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make stack SCALE=2`: gunicorn and daphne processes behind nginx.
SCALE ?= 1
# Tests use the machine's services unless DATABASE_URL / REDIS_URL say otherwise.
TEST_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/school_portal} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1}
# Embedded mode ignores any service URLs in the shell.
EMBEDDED_ENV := env -u DATABASE_URL -u REDIS_URL DJANGO_SETTINGS_MODULE=portal.settings.dev

.PHONY: run test lint fmt install install-test clean-embedded bench system-packages stack stack-stop

## Virtualenv with the pinned runtime packages (re-done when the lock file changes).
$(BIN)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

## Plus the pinned test tools, and Debian's Chromium for the browser tests.
$(BIN)/.installed-test: $(BIN)/.installed requirements-test.lock
	$(BIN)/pip install --quiet -r requirements-test.lock
	touch $@

## axe-core (npm, pinned in package-lock.json) for the browser tests' accessibility checks.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

system-packages:
	@command -v chromium >/dev/null || { \
		echo "Installing Debian packages for the browser tests: chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@command -v npm >/dev/null || { \
		echo "Installing Debian packages for the browser tests: npm"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
		echo "Installing Debian packages for the stack tests: nginx"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

install: $(BIN)/.installed
install-test: $(BIN)/.installed-test

## The whole portal on embedded defaults: SQLite, in-process channel layer, Celery worker and
## beat on a folder broker, e-mail into var/mail/. Serves http://127.0.0.1:$(PORT)/
run: $(BIN)/.installed
	$(EMBEDDED_ENV) $(BIN)/python manage.py migrate --noinput
	$(EMBEDDED_ENV) $(BIN)/python manage.py seed_demo
	$(EMBEDDED_ENV) $(BIN)/python manage.py run_schedules reminders
	$(EMBEDDED_ENV) PORTAL_PORT=$(PORT) $(BIN)/honcho --procfile deploy/Procfile.embedded start

## The production topology on this machine: nginx (TLS, self-signed) in front of gunicorn and
## daphne, Celery worker and beat, on the machine's PostgreSQL and Redis (database
## school_portal_stack, Redis db 2). Serves https://127.0.0.1:8443/; Ctrl-C or `make stack-stop`.
stack: $(BIN)/.installed
	$(BIN)/python deploy/stack/stack.py --scale $(SCALE)

stack-stop:
	$(BIN)/python deploy/stack/stack.py --stop

## The full suite against the machine's PostgreSQL and Redis (started by .ci/run in CI).
test: $(BIN)/.installed-test system-packages node_modules/axe-core/axe.min.js
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python -m pytest

lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(BIN)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Forget the embedded database, uploads, mail and queue (the next `make run` starts afresh).
clean-embedded:
	rm -rf var/

## Benchmarks: our figures beside baselines measured in the same run; writes bench/results.json.
bench: $(BIN)/.installed-test
	@command -v wrk >/dev/null || { \
		echo "Installing Debian packages for the API benchmark: wrk"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(TEST_ENV) DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m bench $(BENCH)
