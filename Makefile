# Two commands: `make run` starts the bot, `make test` checks everything. Both create or reuse
# a local virtualenv (.venv) and install the project into it from pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint format pytest bench playground clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "boundary-bot needs Python 3.11 or newer (set PYTHON=...)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

# With no Slack bot token (environment or .env), `make run` starts the local playground
# instead; it says so first, before installing anything.
run:
	@if [ -n "$${SLACK_BOT_TOKEN:-}" ] || grep -Eqs \
		'^[[:space:]]*(export[[:space:]]+)?SLACK_BOT_TOKEN[[:space:]]*=[[:space:]]*[^[:space:]#]' .env; \
	then \
		$(MAKE) --no-print-directory -s $(STAMP) && $(BIN)/boundary-bot run; \
	else \
		echo "No Slack credentials configured (SLACK_BOT_TOKEN is not set): starting the local playground instead."; \
		$(MAKE) --no-print-directory -s $(STAMP) && $(BIN)/boundary-bot playground; \
	fi

test: lint pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers storage bench

pytest: $(STAMP)
	$(BIN)/pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
