"""`gaps` and `sweep --dry-run` name an identity by its email, else its display name (a
source's opaque external id only when there is nothing else), in every format."""

from __future__ import annotations

import json

from tests.cli.conftest import Workspace


def test_gaps_show_the_email_or_display_name_not_the_external_id(acme: Workspace) -> None:
    table = acme.ok("gaps", "--format", "table")
    found = json.loads(acme.ok("gaps", "--format", "json"))

    shown = {gap["external_id"]: gap["identity"] for gap in found if gap["external_id"]}
    assert shown == {
        "00u9f1c2a3b4": "pat@acme.com",
        "key-7d3e9a": "Deploy key",
        "00u111aaa": "sam@acme.com",
        "00u222bbb": "sam@acme.com",
    }
    assert "pat@acme.com" in table
    assert "Deploy key" in table
    assert "00u9f1c2a3b4" not in table
    assert "key-7d3e9a" not in table


def test_sweep_dry_run_shows_the_most_urgent_identity_by_name(acme: Workspace) -> None:
    # A customer key in a platform integration makes one item the most urgent of all.
    acme.seed("rule", "acme-tenant", "kind:api_key", "workforce")

    tsv = acme.ok("sweep", "--dry-run").splitlines()
    table = acme.ok("sweep", "--dry-run", "--format", "table")
    (digest,) = json.loads(acme.ok("sweep", "--dry-run", "--format", "json"))

    row = dict(zip(tsv[0].split("\t"), tsv[1].split("\t"), strict=True))
    assert (row["most_urgent_kind"], row["most_urgent_identity"]) == ("lane-mismatch", "Deploy key")
    assert "acme-tenant Deploy key: lane-mismatch" in table
    assert "key-7d3e9a" not in table
    assert {item["identity"] for item in digest["items"]} >= {"pat@acme.com", "Deploy key"}
