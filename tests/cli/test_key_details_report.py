"""`boundary-bot report` after `boundary-bot sync` from the Claude Admin API stand-in: each key's
row carries what the API reports (creator, created, expiry, workspace), and the organisation key
that never expires has its `admin-key` gap. Nothing here depends on today's date: the key never
expires, and its lane was never declared."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from tests.cli.conftest import OWNER, Workspace
from tests.connectors.anthropic_server import KEY, SUPPORT, VARIABLE, anthropic_routes, api_key
from tests.connectors.anthropic_server import pages as key_pages
from tests.connectors.servers import StandIn, stand_in


@pytest.fixture
def api() -> Iterator[StandIn]:
    with stand_in() as server:
        anthropic_routes(server)
        server.routes["/v1/organizations/api_keys"] = key_pages(
            [
                api_key("org", "active", "user_01", None, scope={"type": "organization"}),
                api_key("prod", "active", "user_02", SUPPORT, expires_at="2027-06-30T00:00:00Z"),
            ],
            2,
        )
        yield server


def test_the_report_carries_each_keys_details_and_the_organisation_keys_gap(
    workspace: Workspace, api: StandIn
) -> None:
    workspace.env["BOUNDARY_OPERATOR"] = OWNER  # who the CLI's writes are credited to
    workspace.seed("integration", "add", "claude-platform", "--layer", "platform", "--owner", OWNER)
    workspace.seed("connect", "claude-platform", "--kind", "anthropic",
                   "--url", api.base_url + "v1/", "--secret-env", VARIABLE)  # fmt: skip
    synced = workspace.run("sync", "claude-platform", **{VARIABLE: KEY})

    as_json = json.loads(workspace.ok("report", "--format", "json"))
    as_csv = workspace.ok("report", "--format", "csv").partition("\n\n")[0]

    assert synced.returncode == 0, synced.stdout + synced.stderr
    keys = {row["external_id"]: row for row in as_json["identities"] if row["kind"] == "api_key"}
    org, prod = keys["apikey_org"], keys["apikey_prod"]
    assert (org["owned_by"], org["created_at"], org["expires_at"], org["container"]) == (
        "user_01",
        "2026-01-15T09:30:00+00:00",
        "never",
        "organization",
    )
    assert (prod["expires_at"], prod["container"]) == ("2027-06-30T00:00:00+00:00", "Support bot")
    assert org["open_gaps"].split() == ["admin-key", "undeclared"]
    [gap] = [g for g in as_json["gaps"] if g["kind"] == "admin-key"]
    assert gap["identity"] == "apikey_org"
    assert "never expires: replace it with a key that expires" in gap["detail"]
    rows = {row["external_id"]: row for row in csv.DictReader(io.StringIO(as_csv))}
    assert rows["apikey_org"] == {key: str(value) for key, value in org.items()}
