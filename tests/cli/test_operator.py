"""CLI writes are credited to a named person (`--as U…` or BOUNDARY_OPERATOR) and refused
without one; reading needs nobody."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from tests.cli.conftest import OPERATOR, OWNER, Workspace

NO_OPERATOR = {"BOUNDARY_OPERATOR": ""}


def _rows(workspace: Workspace, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(workspace.directory / "bot.db")) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.parametrize(
    "command",
    [
        ("integration", "add", "globex-tenant", "--layer", "application", "--owner", OWNER),
        ("declare", "acme-tenant", "pat@acme.com", "customer"),
        ("rule", "acme-tenant", "kind:api_key", "workforce"),
        ("claim", "acme-tenant", "--sso", "enforced", "--evidence", "https://t.example/1"),
        ("connect", "acme-tenant", "--kind", "csv", "--path", "people.csv"),
    ],
)
def test_a_write_without_a_named_operator_is_refused_in_one_line(
    acme: Workspace, command: tuple[str, ...]
) -> None:
    before = _rows(acme, "SELECT count(*) FROM audit_event")

    done = acme.run(*command, **NO_OPERATOR)

    assert done.returncode == 2
    assert "--as U0123ABCD" in done.stderr
    assert "BOUNDARY_OPERATOR" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert _rows(acme, "SELECT count(*) FROM audit_event") == before


def test_an_import_without_a_named_operator_is_refused(acme: Workspace) -> None:
    people = acme.csv("more.csv", "external_id\nu9\n")

    done = acme.run("import", "acme-tenant", "--csv", people, **NO_OPERATOR)

    assert done.returncode == 2
    assert "BOUNDARY_OPERATOR" in done.stderr
    assert _rows(acme, "SELECT count(*) FROM identity WHERE external_id = 'u9'") == [(0,)]


@pytest.mark.parametrize(
    "command",
    [
        ("integration", "list"),
        ("who", "acme-tenant"),
        ("gaps",),
        ("report", "--format", "json"),
        ("audit", "verify"),
    ],
)
def test_reading_needs_no_operator(acme: Workspace, command: tuple[str, ...]) -> None:
    done = acme.run(*command, **NO_OPERATOR)

    assert done.returncode in (0, 1), done.stderr  # `gaps` exits 1 when there are gaps
    assert "BOUNDARY_OPERATOR" not in done.stderr


def test_the_configured_operator_is_credited(acme: Workspace) -> None:
    acme.ok("declare", "acme-tenant", "pat@acme.com", "customer")

    assert _rows(acme, "SELECT declared_by FROM declaration") == [(OPERATOR,)]


def test_as_names_the_operator_and_outranks_the_setting(acme: Workspace) -> None:
    acme.ok("--as", "U0SOMEONE", "declare", "acme-tenant", "pat@acme.com", "customer")
    acme.ok("--as", "U0SOMEONE", "rule", "acme-tenant", "kind:api_key", "workforce")

    assert _rows(acme, "SELECT DISTINCT declared_by FROM declaration") == [("U0SOMEONE",)]
    assert _rows(acme, "SELECT actor FROM audit_event WHERE action = 'rule.added'") == [
        ("U0SOMEONE",)
    ]
    assert not _rows(acme, "SELECT 1 FROM audit_event WHERE actor LIKE 'cli:%'")


def test_as_without_the_setting_is_enough(acme: Workspace) -> None:
    done = acme.run(
        "--as", "U0SOMEONE", "declare", "acme-tenant", "pat@acme.com", "customer", **NO_OPERATOR
    )

    assert done.returncode == 0, done.stderr


def test_an_operator_that_is_not_a_slack_user_id_is_refused(acme: Workspace) -> None:
    done = acme.run("--as", "root", "declare", "acme-tenant", "pat@acme.com", "customer")

    assert done.returncode == 2
    assert "not a Slack user id" in done.stderr
    assert _rows(acme, "SELECT count(*) FROM declaration") == [(0,)]


def test_registration_statuses_are_claims_with_evidence_and_expiry(workspace: Workspace) -> None:
    workspace.ok("integration", "add", "openai-platform", "--layer", "platform", "--owner", OWNER,
                 "--sso", "enforced", "--scim", "enabled",
                 "--evidence", "https://tickets.example/SEC-7")  # fmt: skip

    claims = _rows(
        workspace,
        "SELECT kind, value, evidence_url, claimed_by,"
        " julianday(expires_at) - julianday(claimed_at) FROM coverage_claim ORDER BY kind",
    )
    assert claims == [
        ("scim", "enabled", "https://tickets.example/SEC-7", OPERATOR, 90.0),
        ("sso", "enforced", "https://tickets.example/SEC-7", OPERATOR, 90.0),
    ]
    events = _rows(workspace, "SELECT action FROM audit_event ORDER BY seq")
    assert events == [("integration.registered",), ("coverage.claimed",), ("coverage.claimed",)]


def test_a_registration_status_without_evidence_is_refused(workspace: Workspace) -> None:
    workspace.seed("db", "upgrade")

    done = workspace.run(
        "integration", "add", "openai-platform", "--layer", "platform", "--owner", OWNER,
        "--scim", "enabled",
    )  # fmt: skip

    assert done.returncode == 1
    assert "--evidence" in done.stderr
    assert _rows(workspace, "SELECT count(*) FROM integration") == [(0,)]
