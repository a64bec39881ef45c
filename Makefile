# Warroom: `make run` serves the app; `make test` runs every test. Both set up what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run setup test fuzz worker beat bench lint format chromium alertmanager prometheus oidc-provider clean

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*; touch $@

setup: $(STAMP)
	@mkdir -p var
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py ensure_admin

run: setup
	$(PY) -m warroom.embedded

worker: $(STAMP)
	$(VENV)/bin/celery -A warroom worker --loglevel=INFO

beat: $(STAMP)
	$(VENV)/bin/celery -A warroom beat --loglevel=INFO --schedule=var/celerybeat-schedule

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# The Alertmanager integration test runs Debian's real prometheus-alertmanager binary.
alertmanager:
	@test -x /usr/bin/prometheus-alertmanager || { DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq prometheus-alertmanager >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq prometheus-alertmanager >/dev/null; }; }

# The /metrics round-trip test scrapes the app with Debian's real prometheus server and reads the series back.
prometheus:
	@test -x /usr/bin/prometheus || { DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq prometheus >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq prometheus >/dev/null; }; }

# The single sign-on tests sign in at a real OpenID provider: the npm package oidc-provider, run by Node.
OIDC_PROVIDER_DIR := tests/accounts/oidc_provider
oidc-provider:
	@command -v node >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	@test -d $(OIDC_PROVIDER_DIR)/node_modules/oidc-provider || npm ci --prefix $(OIDC_PROVIDER_DIR) --no-audit --no-fund --silent

test: $(STAMP) chromium alertmanager prometheus oidc-provider
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(PY) -m pytest $(PYTEST_ARGS)

# The API fuzzer with many more examples per operation than `make test` runs (a fixed seed either way).
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(PY) -m pytest tests/warroom/test_fuzz_api.py -p no:logging $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var
