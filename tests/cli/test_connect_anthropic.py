"""`boundary-bot connect --kind anthropic` stores the Claude Admin API defaults, and
`boundary-bot sync` reads the loopback Admin API stand-in with the key named by its variable;
a refused key is one line naming that variable, exit 1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cli.conftest import OWNER, Workspace
from tests.connectors.anthropic_server import KEY, VARIABLE, anthropic_routes
from tests.connectors.servers import StandIn, stand_in


@pytest.fixture
def api() -> Iterator[StandIn]:
    with stand_in() as server:
        anthropic_routes(server)
        yield server


def test_connect_help_names_the_anthropic_kind(workspace: Workspace) -> None:
    assert "anthropic" in workspace.ok("connect", "--help")


def test_connect_anthropic_defaults_to_the_public_api_and_anthropic_admin_key(
    workspace: Workspace,
) -> None:
    workspace.seed("integration", "add", "claude-platform", "--layer", "platform", "--owner", OWNER)

    out = workspace.ok("connect", "claude-platform", "--kind", "anthropic")

    assert "url=https://api.anthropic.com/v1/" in out
    assert "secret_env=ANTHROPIC_ADMIN_KEY" in out


def test_sync_reads_the_admin_api_and_a_refused_key_names_its_variable(
    workspace: Workspace, api: StandIn
) -> None:
    workspace.seed("integration", "add", "claude-platform", "--layer", "platform", "--owner", OWNER)
    workspace.seed("connect", "claude-platform", "--kind", "anthropic",
                   "--url", api.base_url + "v1/", "--secret-env", VARIABLE)  # fmt: skip

    synced = workspace.run("sync", "claude-platform", **{VARIABLE: KEY})
    refused = workspace.run("sync", "claude-platform", **{VARIABLE: "sk-ant-admin01-old"})

    assert synced.returncode == 0, synced.stderr
    assert "claude-platform: 16 seen, 16 created" in synced.stdout
    assert refused.returncode == 1
    assert "HTTP 401" in refused.stdout
    assert VARIABLE in refused.stdout
    assert "sk-ant-admin01-old" not in refused.stdout + refused.stderr
