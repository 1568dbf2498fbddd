# Two commands matter (see README): `make run` and `make test`.
# Everything else here is a step they depend on.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Debian packages: CJK font + HarfBuzz subsetting (PDFs), libmagic (upload
# type checks), gettext (compiling translations), chromium and poppler (browser
# tests, PDF checks).
RUN_PACKAGES  := fonts-wqy-microhei libharfbuzz-subset0 libmagic1 gettext libpango-1.0-0 libpangoft2-1.0-0 chromium
TEST_PACKAGES := $(RUN_PACKAGES) poppler-utils openssl

.PHONY: run test system-deps system-deps-test venv venv-dev migrate messages seed serve worker check lint clean axe \
        stack-start stack-stop

run: system-deps venv migrate messages seed serve

test: system-deps-test venv-dev messages axe
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

# axe-core for the accessibility tests, pinned, from the npm registry into var/axe/
# (nothing to do once it is there; without npm the tests say so and skip).
axe: venv-dev
	@$(BIN)/python -m tests.browser.axe

# Installs missing Debian packages when run as root; otherwise prints the apt line.
system-deps:
	@./scripts/ensure-apt-packages $(RUN_PACKAGES)

system-deps-test:
	@./scripts/ensure-apt-packages $(TEST_PACKAGES)

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

migrate: venv
	$(BIN)/python manage.py migrate --noinput

messages: venv
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v 0

seed: venv
	$(BIN)/python manage.py seed_demo

# The deadline job (reminders, expiries) runs every minute beside the server.
serve: venv
	@echo "Serving HTTP and WebSocket on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	@$(BIN)/python manage.py run_deadlines --loop 60 & jobs=$$!; \
	trap "kill $$jobs 2>/dev/null" EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

check: venv-dev
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/bandit -c pyproject.toml -r portal mediation arbitration notary cms -ll -q

lint: check

# A production-like stack on this machine (docs/deployment.md): PostgreSQL, Redis,
# two uvicorn workers, the task worker, the deadline loop, nginx with TLS at
# https://127.0.0.1:8443/. Data, logs and secrets in var/stack/. SEED=1 adds the demo data.
STACK_PACKAGES := postgresql-15 redis-server nginx openssl curl

stack-start: system-deps venv messages
	@./scripts/ensure-apt-packages $(STACK_PACKAGES)
	./scripts/stack start $(if $(filter-out 0 no false,$(SEED)),--seed)

stack-stop:
	./scripts/stack stop

clean:
	rm -rf $(VENV) var .pytest_cache
