"""The deployment docs/deployment.md describes, end to end on PostgreSQL: roles.sql on an empty
database, `boundary-bot db upgrade` as the migration role, then the bot run as its own role
(the CLI's writes, a connector sync, a nudge sweep, the HTTP-mode process answering signed
Slack requests) with nothing refused; and a grant taken away is one line naming the role and
the privilege, not a traceback."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.playground.standin import SlackStandIn
from handlers.blocks.prompt import identity_ids
from tests.conftest import ADMIN, BOT_TOKEN, OWNER
from tests.connectors.servers import scim_server
from tests.databases import scalar
from tests.support.postgres_roles import Deployment, deployment, require_postgres_tools
from tests.support.processes import BOUNDARY_BOT, BotProcess, bot_env, free_port
from tests.support.slack_requests import (
    SIGNING_SECRET,
    command_body,
    lane_choice_body,
    post_signed,
)

pytestmark = pytest.mark.e2e

SCIM_TOKEN = "scim-test-token"
SCIM_VARIABLE = "BOUNDARY_TEST_SCIM_TOKEN"
# Settings and proxies a developer's shell may carry; the commands here get none of them.
DROPPED = ("SLACK_", "BOUNDARY_", "DATABASE_URL", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """roles.sql applied, then the real `boundary-bot db upgrade` run as the migration role."""
    admin = require_postgres_tools()
    with deployment(admin) as made:
        upgraded = subprocess.run(
            [str(BOUNDARY_BOT), "db", "upgrade"],
            env=bot_env(database_url=made.migrator_url, api_url="http://127.0.0.1:9/api/",
                        bot_token=BOT_TOKEN),
            cwd=tmp_path_factory.mktemp("upgrade"),
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert upgraded.returncode == 0, upgraded.stderr
        assert "migrations applied" in upgraded.stdout
        yield made


@pytest.fixture
def as_bot(
    deployed: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn
) -> CliRunner:
    """The CLI in this process, in a directory of its own, as the bot's role."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.upper().startswith(DROPPED):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", deployed.bot_url)
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv(SCIM_VARIABLE, SCIM_TOKEN)
    monkeypatch.setenv("BOUNDARY_OPERATOR", OWNER)  # the person CLI writes are credited to
    return CliRunner()


def _add_scim_user(base_url: str) -> None:
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {SCIM_TOKEN}"}, trust_env=False
    ) as client:
        client.post(
            "Users",
            json={
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "dev",
                "emails": [{"value": "dev@corp.example", "primary": True}],
                "active": True,
            },
        ).raise_for_status()


def test_the_cli_writes_syncs_and_sweeps_as_the_bot_role(
    as_bot: CliRunner, standin: SlackStandIn, tmp_path: Path
) -> None:
    standin.add_user(OWNER, tz="UTC")
    people = tmp_path / "people.csv"
    people.write_text(
        "external_id,email,kind\nu-pat,pat@acme.com,human\nkey-ci,,api_key\n", encoding="utf-8"
    )
    with scim_server(SCIM_TOKEN) as scim:
        _add_scim_user(scim.base_url)
        commands = [
            ["integration", "add", "acme-tenant", "--layer", "application", "--owner", OWNER],
            ["import", "acme-tenant", "--csv", str(people)],
            ["declare", "acme-tenant", "pat@acme.com", "customer", "--note", "tenant admin"],
            ["rule", "acme-tenant", "kind:api_key", "workforce"],
            ["claim", "acme-tenant", "--scim", "enabled", "--evidence", "https://t.example/1"],
            ["integration", "add", "corp-dir", "--layer", "platform", "--owner", OWNER],
            ["connect", "corp-dir", "--kind", "scim", "--url", scim.base_url,
             "--secret-env", SCIM_VARIABLE],
            ["sync", "corp-dir"],
            ["sweep"],
            ["report", "--format", "json"],
        ]  # fmt: skip
        failed = {}
        for command in commands:
            done = as_bot.invoke(app, command)
            if done.exit_code != 0:
                failed[" ".join(command[:2])] = done.output + repr(done.exception)

    verified = as_bot.invoke(app, ["audit", "verify"])

    assert failed == {}
    assert verified.output.startswith("OK 2 declarations, ")
    assert standin.calls("chat.postMessage")


def test_a_missing_grant_is_one_line_naming_the_role_and_what_it_lacks(
    deployed: Deployment, tmp_path: Path
) -> None:
    revoke = f'REVOKE USAGE ON SEQUENCE integration_id_seq FROM "{deployed.bot}"'
    with psycopg.connect(deployed.admin_url, autocommit=True) as admin:
        admin.execute(revoke)
        try:
            done = subprocess.run(
                [str(BOUNDARY_BOT), "--as", OWNER, "integration", "add", "refused", "--layer",
                 "platform", "--owner", OWNER],
                env=bot_env(database_url=deployed.bot_url, api_url="http://127.0.0.1:9/api/",
                            bot_token=BOT_TOKEN),
                cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
        finally:
            admin.execute(revoke.replace("REVOKE", "GRANT").replace(" FROM ", " TO "))

    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: the database refused {deployed.bot}: ")
    assert "permission denied for sequence integration_id_seq" in line
    assert "test-password" not in line


def test_the_http_mode_process_acts_on_signed_requests_as_the_bot_role(
    deployed: Deployment, standin: SlackStandIn, tmp_path: Path
) -> None:
    port = free_port()
    env = bot_env(
        database_url=deployed.bot_url,
        api_url=standin.api_url,
        bot_token=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PORT=str(port),
        BOUNDARY_ADMINS=ADMIN,
    )
    with (
        BotProcess(env, tmp_path) as process,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10, trust_env=False) as http,
    ):
        process.wait_for_health(port)

        def command(text: str) -> httpx.Response:
            body = command_body(text, user_id=OWNER, response_url=standin.response_url())
            return post_signed(http, body)

        command("register http-tenant application")
        command("add http-tenant <mailto:dana@acme.com|dana@acme.com>")
        command("review http-tenant")
        standin.wait_for("chat.postMessage", timeout=10)
        message = standin.messages(standin.dm_channel(OWNER))[-1]
        [identity] = identity_ids(message.blocks)
        chosen = post_signed(
            http,
            lane_choice_body(
                user_id=OWNER,
                identity_id=identity,
                answer="customer",
                message=message,
                response_url=standin.response_url(),
            ),
        )
        log = process.read_log()

    assert chosen.status_code == 200
    assert "permission denied" not in log
    answer = f"SELECT answer FROM declaration WHERE identity_id = {identity}"
    assert scalar(deployed.admin_url, answer) == "customer"
    assert scalar(deployed.admin_url, "SELECT count(*) FROM slack_interaction") >= 1
