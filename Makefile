# Two commands: `make run` starts the bot, `make test` checks everything. Both create or reuse
# a local virtualenv (.venv) and install the project into it from pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint format pytest shifted-clocks bench screenshot clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "boundary-bot needs Python 3.11 or newer (set PYTHON=...)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

# With no Slack bot token (environment or .env), `make run` starts the local playground
# instead; it says so first, before installing anything. `make run PORT=3800` serves on that
# port: the bot reads PORT itself, the playground is given it as --port.
run:
	@if [ -n "$${SLACK_BOT_TOKEN:-}" ] || grep -Eqs \
		'^[[:space:]]*(export[[:space:]]+)?SLACK_BOT_TOKEN[[:space:]]*=[[:space:]]*[^[:space:]#]' .env; \
	then \
		$(MAKE) --no-print-directory -s $(STAMP) && $(BIN)/boundary-bot run; \
	else \
		echo "No Slack credentials configured (SLACK_BOT_TOKEN is not set): starting the local playground instead."; \
		$(MAKE) --no-print-directory -s $(STAMP) && $(BIN)/boundary-bot playground $${PORT:+--port "$$PORT"}; \
	fi

test: lint pytest shifted-clocks

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers storage bench
	$(BIN)/lint-imports --no-cache

# Two workers: one per core of the machines this runs on (pytest-xdist).
pytest: $(STAMP)
	$(BIN)/pytest -n 2

# The time-sensitive tests again, under system clocks that the processes cannot tell from real
# time (Debian's faketime): inside the simulated week the tests use (2026-11-30 onwards), across
# a year end, and across a DST change in the process's local zone. A test or a code path that
# reads the real date fails here. CI (CI=true) must have faketime; elsewhere it is optional.
CLOCK_TESTS := tests/nudges tests/bot/test_coverage.py tests/bot/test_gaps.py \
	tests/bot/test_declarations.py tests/handlers/test_clock.py tests/playground/test_playground_nudges.py \
	tests/playground/test_runner.py
SHIFTED_CLOCKS := UTC@2026-12-02T10:00:00 UTC@2026-12-31T23:59:00 \
	America/Los_Angeles@2027-03-14T01:59:00

shifted-clocks: $(STAMP)
	@if ! command -v faketime >/dev/null 2>&1; then \
		if [ -n "$${CI:-}" ]; then echo "shifted-clocks: faketime is not installed" >&2; exit 1; fi; \
		echo "shifted-clocks: skipped, Debian's faketime is not installed (apt-get install faketime)"; \
		exit 0; \
	fi; \
	for clock in $(SHIFTED_CLOCKS); do \
		zone=$${clock%@*}; moment=$$(echo "$${clock#*@}" | tr T ' '); \
		echo "shifted-clocks: system clock starts at $$moment in $$zone"; \
		TZ=$$zone faketime -f "@$$moment" $(BIN)/pytest -n 2 -q -p no:cacheprovider $(CLOCK_TESTS) \
			|| exit 1; \
	done

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Retakes the README's picture of the playground (needs Chromium); `make test` never writes it.
screenshot: $(STAMP)
	$(BIN)/python -m tests.playground.screenshot docs/images/playground.png

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
