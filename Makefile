# The two commands of the README: `make run` and `make test`. Everything else is for developers and CI.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format check-migrations serve-production worker bench clean

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.test: $(VENV)/.runtime
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $@

## Run the app on SQLite with demo data and demo users at http://127.0.0.1:8000 (LA Code 384: Wakefield, the guide's council)
run: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DEBUG=1 CLD_LA_CODE=$${CLD_LA_CODE:-384} $(PY) manage.py runserver $(HOST):$(PORT)

## Run the whole test suite: on PostgreSQL when it answers (DATABASE_URL, or 127.0.0.1:5432), on SQLite otherwise
LOCAL_PG := postgres://postgres@127.0.0.1:5432
test: $(VENV)/.test
	@if [ -z "$$DATABASE_URL" ] && $(PY) -c "import psycopg; psycopg.connect('$(LOCAL_PG)/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		export DATABASE_URL=$(LOCAL_PG)/caredirector; fi; \
	if [ -n "$$DATABASE_URL" ]; then echo "Testing on PostgreSQL: $$DATABASE_URL"; \
	else echo "Testing on SQLite: PostgreSQL does not answer at $(LOCAL_PG) (set DATABASE_URL to use another)"; fi; \
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

## Council-scale benchmark on PostgreSQL (not part of make test): seeds 1,000,000 forms once, needs Debian's wrk
bench: $(VENV)/.test
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run.py $(BENCH_ARGS)

## Production-style run: gunicorn, DEBUG off (needs SECRET_KEY and ALLOWED_HOSTS in the environment)
serve-production: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn caredirector.wsgi --workers $${WEB_CONCURRENCY:-2} --bind $(HOST):$(PORT)

## A worker of the job queue (PostgreSQL): takes the CLD extract runs; start as many as wanted, on any machine
worker: $(VENV)/.runtime
	$(PY) manage.py procrastinate worker --queues extracts

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
