"""`connect --kind okta --apps all`: every app of the org, narrowed by label and Okta's filter."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from bot.cli import app
from tests.cli.conftest import OWNER, Workspace

CONNECT = ["connect", "okta-org", "--kind", "okta", "--url", "https://corp.okta.com"]
ACTIVE = 'status eq "ACTIVE"'
ADD = ["integration", "add", "okta-org", "--layer", "platform", "--owner", OWNER]


def _cli(workspace: Workspace, *args: str) -> Result:
    """One command in-process, credited to the owner."""
    return CliRunner().invoke(app, list(args), env=workspace.env | {"BOUNDARY_OPERATOR": OWNER})


def test_connect_okta_stores_all_apps_with_a_label_prefix_and_a_filter(
    workspace: Workspace,
) -> None:
    assert _cli(workspace, *ADD).exit_code == 0

    done = _cli(workspace, *CONNECT, "--apps", "all", "--label-prefix", "Acme", "--filter", ACTIVE)

    assert done.exit_code == 0, done.output
    assert 'apps=all, label_prefix=Acme, filter=status eq "ACTIVE"' in done.output


def test_connect_okta_refuses_one_app_and_all_apps_at_once(workspace: Workspace) -> None:
    assert _cli(workspace, *ADD).exit_code == 0

    done = _cli(workspace, *CONNECT, "--app-id", "0oa1b2c3", "--apps", "all")

    assert done.exit_code == 1
    assert "--app-id (one app) or --apps all" in done.output
