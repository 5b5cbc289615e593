"""`audit verify` as an operator runs it: the lane shown must be the chain's, a cut-back chain
fails against the head exported earlier, and the first bad entry is named."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from tests.cli.conftest import Workspace


def _sql(workspace: Workspace, *statements: str) -> None:
    with closing(sqlite3.connect(workspace.directory / "bot.db")) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()


def test_an_identity_pointed_at_an_older_declaration_fails_naming_it(acme: Workspace) -> None:
    acme.seed("declare", "acme-tenant", "pat@acme.com", "customer")
    acme.seed("declare", "acme-tenant", "pat@acme.com", "workforce", "--note", "staff")
    acme.ok("audit", "verify")

    _sql(
        acme,
        "UPDATE identity SET current_declaration_id ="
        " (SELECT min(id) FROM declaration) WHERE external_id = '00u9f1c2a3b4'",
    )
    done = acme.run("audit", "verify")
    document = json.loads(acme.run("audit", "verify", "--format", "json").stdout)

    assert done.returncode == 1
    assert "chain broken at identity: identity 1 ('00u9f1c2a3b4') shows declaration" in (
        done.stderr
    )
    assert (document["ok"], document["table"]) == (False, "identity")


def test_a_cut_back_chain_fails_against_the_exported_head(acme: Workspace) -> None:
    acme.seed("declare", "acme-tenant", "pat@acme.com", "customer")
    exported = acme.ok("audit", "verify").split("head ")[1].strip()
    _sql(
        acme,
        "DROP TRIGGER declaration_no_delete",
        "UPDATE identity SET current_declaration_id = NULL",
        "DELETE FROM declaration",
        "UPDATE audit_chain_head SET seq = (SELECT max(seq) FROM audit_event),"
        " hash = (SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1)",
    )

    alone = acme.run("audit", "verify")
    anchored = acme.run("audit", "verify", "--expect-head", exported)

    assert alone.returncode == 0, alone.stderr  # consistent on its own
    assert anchored.returncode == 1
    assert f"against the exported head: the exported head {exported}" in anchored.stderr


def test_an_edited_event_fails_naming_its_table_and_seq(acme: Workspace) -> None:
    _sql(
        acme,
        "DROP TRIGGER audit_event_no_update",
        "UPDATE audit_event SET actor = 'U0FORGED' WHERE seq = 1",
    )

    done = acme.run("audit", "verify")

    assert done.returncode == 1
    assert "chain broken at audit_event seq 1: content does not match its hash" in done.stderr
