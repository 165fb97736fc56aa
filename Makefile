# Accord: `make run` to try it, `make test` to prove it. See README.md.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := python3 -m uv
endif
PY := $(UV) run --frozen
export UV_LINK_MODE ?= copy

.PHONY: install run test lint format migrate seed collectstatic clean

.venv/.installed: uv.lock pyproject.toml
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: .venv/.installed node_modules/.installed

migrate: install
	$(PY) python manage.py migrate --noinput

collectstatic: install
	$(PY) python manage.py collectstatic --noinput --verbosity 0

# Plain HTTP on loopback, so HTTPS-only cookies are off; everything else as in production.
run: export DJANGO_HTTPS ?= 0
run: migrate collectstatic
	$(PY) python manage.py seed_demo --if-empty
	@echo ""
	@echo "  Accord is starting on http://127.0.0.1:8000"
	@echo "  Sign in with password 'accord-demo' as:"
	@echo "    coo@accord.example      Executive (Olivia Grant): every partnership"
	@echo "    manager@accord.example  Partner manager (Sam Patel): the partnerships he manages"
	@echo "    admin@accord.example    Administrator (Morgan Lee): cadences, users and roles"
	@echo "  Partner contacts sign in to the portal with a link, no password; print one with:"
	@echo "    $(UV) run python manage.py portal_link"
	@echo "  Stop with Ctrl+C."
	@echo ""
	$(PY) honcho start

test: install
	$(PY) pytest $(PYTEST_ARGS)

lint: install
	$(PY) ruff check .
	$(PY) ruff format --check .

format: install
	$(PY) ruff check --fix .
	$(PY) ruff format .

clean:
	rm -rf var staticfiles .venv node_modules
