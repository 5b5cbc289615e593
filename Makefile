# Two commands: `make run` starts the bot, `make test` checks everything. Both create or reuse
# a local virtualenv (.venv) and install into it from the lock files in requirements/, with
# hashes (requirements/install.sh, which the Dockerfile uses too): `make run` only what running
# needs, `make test` the development tools as well. `make lock` rewrites the locks.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALL := sh requirements/install.sh
# One stamp per installed set, named by a checksum of what it was installed from: a changed
# lock, pyproject.toml (version, entry points) or the install script installs again.
checksum = $(shell cat pyproject.toml requirements/install.sh requirements/build.txt \
	requirements/$(1).txt | cksum | cut -d' ' -f1)
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(call checksum,runtime)
DEV_STAMP := $(VENV)/.installed-dev-$(call checksum,dev)
UV_VERSION := 0.13.9
UV := $(VENV)/uv-$(UV_VERSION)/bin/uv

.PHONY: run test lint format pytest shifted-clocks bench screenshot image lock clean \
	install-runtime install-dev

define check_python
@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "boundary-bot needs Python 3.11 or newer (set PYTHON=...)")'
endef

install-runtime: $(RUNTIME_STAMP)
install-dev: $(DEV_STAMP)

$(RUNTIME_STAMP): pyproject.toml requirements/install.sh requirements/build.txt requirements/runtime.txt
	$(check_python)
	PYTHON=$(PYTHON) $(INSTALL) deps $(VENV) runtime
	$(INSTALL) project $(VENV) . -e
	@rm -f $(VENV)/.installed-runtime-*
	@touch $@

# The dev lock pins every runtime package at the same version (tests/packaging/test_lock.py),
# so a dev install is a runtime install too.
$(DEV_STAMP): pyproject.toml requirements/install.sh requirements/build.txt requirements/dev.txt
	$(check_python)
	PYTHON=$(PYTHON) $(INSTALL) deps $(VENV) dev
	$(INSTALL) project $(VENV) . -e
	@rm -f $(VENV)/.installed-*
	@touch $@ $(RUNTIME_STAMP)

# With no Slack bot token (environment or .env), `make run` starts the local playground
# instead; it says so first, before installing anything. `make run PORT=3800` serves on that
# port: the bot reads PORT itself, the playground is given it as --port.
run:
	@if [ -n "$${SLACK_BOT_TOKEN:-}" ] || grep -Eqs \
		'^[[:space:]]*(export[[:space:]]+)?SLACK_BOT_TOKEN[[:space:]]*=[[:space:]]*[^[:space:]#]' .env; \
	then \
		$(MAKE) --no-print-directory -s $(RUNTIME_STAMP) && $(BIN)/boundary-bot run; \
	else \
		echo "No Slack credentials configured (SLACK_BOT_TOKEN is not set): starting the local playground instead."; \
		$(MAKE) --no-print-directory -s $(RUNTIME_STAMP) && $(BIN)/boundary-bot playground $${PORT:+--port "$$PORT"}; \
	fi

test: lint pytest shifted-clocks

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers storage bench
	$(BIN)/lint-imports --no-cache

# Two workers: one per core of the machines this runs on (pytest-xdist).
pytest: $(DEV_STAMP)
	$(BIN)/pytest -n 2

# The time-sensitive tests again, under system clocks that the processes cannot tell from real
# time (Debian's faketime): inside the simulated week the tests use (2026-11-30 onwards), across
# a year end, and across a DST change in the process's local zone. A test or a code path that
# reads the real date fails here. CI (CI=true) must have faketime; elsewhere it is optional.
CLOCK_TESTS := tests/nudges tests/bot/test_coverage.py tests/bot/test_gaps.py \
	tests/bot/test_declarations.py tests/handlers/test_clock.py tests/playground/test_playground_nudges.py \
	tests/playground/test_runner.py
# Not under faketime: it waits on real timers (threading.Event.wait), which hang there.
CLOCK_TESTS_SKIP := --ignore=tests/nudges/test_shutdown.py
SHIFTED_CLOCKS := UTC@2026-12-02T10:00:00 UTC@2026-12-31T23:59:00 \
	America/Los_Angeles@2027-03-14T01:59:00

shifted-clocks: $(DEV_STAMP)
	@if ! command -v faketime >/dev/null 2>&1; then \
		if [ -n "$${CI:-}" ]; then echo "shifted-clocks: faketime is not installed" >&2; exit 1; fi; \
		echo "shifted-clocks: skipped, Debian's faketime is not installed (apt-get install faketime)"; \
		exit 0; \
	fi; \
	for clock in $(SHIFTED_CLOCKS); do \
		zone=$${clock%@*}; moment=$$(echo "$${clock#*@}" | tr T ' '); \
		echo "shifted-clocks: system clock starts at $$moment in $$zone"; \
		TZ=$$zone faketime -f "@$$moment" $(BIN)/pytest -n 2 -q -p no:cacheprovider $(CLOCK_TESTS) $(CLOCK_TESTS_SKIP) \
			|| exit 1; \
	done

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Retakes the README's picture of the playground (needs Chromium); `make test` never writes it.
screenshot: $(DEV_STAMP)
	$(BIN)/python -m tests.playground.screenshot docs/images/playground.png

bench: $(DEV_STAMP)
	$(BIN)/python -m bench $(ARGS)

# Resolves pyproject.toml's dependencies again (keeping the current pins where they still fit;
# `make lock UPGRADE=1` takes the newest releases) into uv.lock, for every Python 3.11+ on Linux
# and macOS, then exports the three files pip installs with hashes. Needs the network.
EXPORT := --frozen --quiet --format requirements-txt --no-emit-project --no-default-groups
lock: $(UV)
	$(UV) lock $(if $(UPGRADE),--upgrade)
	$(UV) export $(EXPORT) -o requirements/runtime.txt
	$(UV) export $(EXPORT) --extra dev -o requirements/dev.txt
	$(UV) export $(EXPORT) --only-group build -o requirements/build.txt

# uv writes the locks; nothing installs with it. A pinned copy of its own, beside the venv.
$(UV):
	$(check_python)
	$(PYTHON) -m venv $(VENV)/uv-$(UV_VERSION)
	$(VENV)/uv-$(UV_VERSION)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# The container image, labelled with pyproject.toml's version (needs a Docker engine; see
# docs/container.md). `make image IMAGE=registry.example.com/boundary-bot` names it.
IMAGE ?= boundary-bot
VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' pyproject.toml)
image:
	docker build --build-arg VERSION=$(VERSION) \
		--build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) \
		-t $(IMAGE):$(VERSION) -t $(IMAGE):latest .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
