"""compose.yaml, read without a Docker engine: every variable it gives the bot is a setting of
bot/settings.py and every other one is PostgreSQL's own or the file's own; a one-shot
`boundary-bot db upgrade` runs before two replicas in HTTP mode that share one PostgreSQL; the
.env it reads is never committed; and docs/container.md's example .env names only those."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.settings import Settings
from tests.packaging.dockerfile import ROOT, read_dockerfile

COMPOSE = ROOT / "compose.yaml"
SETTINGS = {str(field.validation_alias) for field in Settings.model_fields.values()}
# Read by the postgres image, not by us.
POSTGRES = {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}
# Interpolated by compose itself from .env or the shell (docs/container.md).
COMPOSE_VARIABLES = {"POSTGRES_PASSWORD", "BOUNDARY_BOT_IMAGE"}
# Of the .env the bot replicas read whole: connector secrets are named by each connector.
CONNECTOR_SECRETS = re.compile(r"^[A-Z][A-Z0-9_]*_(TOKEN|KEY|SECRET)$")


def _services() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE.read_text())["services"])


def _bots() -> dict[str, Any]:
    return {name: s for name, s in _services().items() if s.get("command") != ["db", "upgrade"]}


def _of_the_image(service: dict[str, Any]) -> bool:
    return "BOUNDARY_BOT_IMAGE" in str(service.get("image", ""))


def test_every_variable_given_to_the_bot_is_a_setting() -> None:
    given = {
        name: set(service.get("environment", {}))
        for name, service in _services().items()
        if _of_the_image(service)
    }

    assert set(given) == {"migrate", "bot-1", "bot-2"}
    assert {name: keys - SETTINGS for name, keys in given.items()} == {n: set() for n in given}


def test_postgres_gets_only_its_own_variables_and_a_health_check() -> None:
    db = _services()["db"]

    assert db["image"].startswith("postgres:")
    assert set(db["environment"]) <= POSTGRES
    assert "pg_isready" in db["healthcheck"]["test"]


def test_compose_interpolates_only_the_variables_docs_name() -> None:
    used = set(re.findall(r"\$\{([A-Z_]+)", COMPOSE.read_text()))

    assert used == COMPOSE_VARIABLES


def test_a_one_shot_migration_runs_before_two_http_replicas_on_one_database() -> None:
    services = _services()
    migrate, bots = services["migrate"], _bots()
    replicas = {name: s for name, s in bots.items() if _of_the_image(s)}

    assert read_dockerfile().final.one("ENTRYPOINT").exec_form() == ["boundary-bot"]
    assert migrate["command"] == ["db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert len(replicas) == 2
    for replica in replicas.values():
        assert replica["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert replica["environment"]["DATABASE_URL"] == migrate["environment"]["DATABASE_URL"]
        assert "@db:5432/" in replica["environment"]["DATABASE_URL"]
        assert "SLACK_APP_TOKEN" not in replica["environment"]  # HTTP mode, not Socket Mode
    assert len({str(replica["ports"]) for replica in replicas.values()}) == 2


def test_the_env_file_compose_reads_is_never_committed_nor_built_into_the_image() -> None:
    env_files = [entry["path"] for s in _bots().values() for entry in s.get("env_file", [])]

    assert set(env_files) == {".env"}
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    assert "**/.env" in (ROOT / ".dockerignore").read_text().splitlines()


def _example_env(doc: Path) -> set[str]:
    block = doc.read_text().split("<!-- compose:env -->", 1)[1].split("```", 2)[1]
    return {line.split("=", 1)[0] for line in block.splitlines() if "=" in line}


def test_the_example_env_in_docs_names_only_settings_and_compose_variables() -> None:
    names = _example_env(ROOT / "docs" / "container.md")
    unknown = {n for n in names - SETTINGS - COMPOSE_VARIABLES if not CONNECTOR_SECRETS.match(n)}

    assert {"POSTGRES_PASSWORD", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} <= names
    assert "SLACK_APP_TOKEN" not in names
    assert unknown == set()
