"""The `boundary-bot` commands in-process (typer's CliRunner) against a SQLite file: what each
command writes and its exit codes."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.text import plural

OWNER = "U0OWNER01"
OPERATOR = "U0OPERATR"
EVIDENCE = "https://tickets.example/SEC-1"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory of its own (no stray .env) and a SQLite file in it."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bot.db"
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "BOUNDARY_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("BOUNDARY_OPERATOR", OPERATOR)
    return path


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def ok(*args: str) -> Result:
    result = cli(*args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture
def populated(database: Path, tmp_path: Path) -> Path:
    ok("db", "upgrade")
    ok("integration", "add", "openai-platform", "--layer", "platform", "--owner", OWNER,
       "--sso", "enforced", "--scim", "enabled", "--evidence", EVIDENCE)  # fmt: skip
    ok("integration", "add", "acme-tenant", "--layer", "application", "--owner", OWNER)
    people = tmp_path / "people.csv"
    people.write_text("external_id,email,kind\nu1,pat@acme.com,human\nkey-1,,api_key\n")
    ok("import", "acme-tenant", "--csv", str(people))
    return database


def test_db_upgrade_creates_the_schema_once(database: Path) -> None:
    first = ok("db", "upgrade")
    second = ok("db", "upgrade")

    versions = Path(__file__).resolve().parents[2] / "storage" / "migrations" / "versions"
    every = len(list(versions.glob("[0-9]*.py")))
    assert f"{plural(every, 'migration')} applied" in first.output
    assert "0 migrations applied" in second.output
    assert database.exists()


def test_integration_add_and_list(populated: Path) -> None:
    listed = ok("integration", "list")

    assert "openai-platform" in listed.output
    assert "acme-tenant" in listed.output
    assert "application" in listed.output


def test_integration_add_refuses_bad_input_in_one_line(populated: Path) -> None:
    taken = cli("integration", "add", "acme-tenant", "--layer", "platform", "--owner", OWNER)
    bad_owner = cli("integration", "add", "github", "--layer", "platform", "--owner", "bob")
    bad_layer = cli("integration", "add", "github", "--layer", "cloud", "--owner", OWNER)

    assert (taken.exit_code, bad_owner.exit_code) == (1, 1)
    assert "already registered" in taken.stderr
    assert "not a Slack user id" in bad_owner.stderr
    assert "Traceback" not in taken.output + taken.stderr
    assert bad_layer.exit_code == 2


def test_import_reports_counts_and_reimport_changes_nothing(
    populated: Path, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"

    again = ok("import", "acme-tenant", "--csv", str(people))

    assert "0 created, 0 updated, 2 unchanged" in again.output


def test_import_of_a_bad_file_names_the_line_and_writes_nothing(
    populated: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("external_id,kind\nnew-1,human\nnew-2,robot\n")

    result = cli("import", "acme-tenant", "--csv", str(bad))

    assert result.exit_code == 1
    assert "line 3: kind `robot`" in result.stderr
    with sqlite3.connect(populated) as connection:
        assert connection.execute("SELECT count(*) FROM identity").fetchone() == (2,)


def test_who_answers_and_a_miss_exits_1(populated: Path) -> None:
    by_integration = ok("who", "openai-platform", "--format", "table")
    by_user = ok("who", OWNER, "--format", "table")
    by_email = ok("who", "pat@acme.com", "--format", "table")
    missing = cli("who", "nobody-here")

    assert f"owner {OWNER}" in by_integration.output
    assert "acme-tenant" in by_user.output
    assert "openai-platform" in by_user.output
    assert "undeclared" in by_email.output
    assert missing.exit_code == 1
    assert "nothing matches" in missing.stderr


def test_gaps_as_json(populated: Path) -> None:
    result = ok("gaps", "--format", "json")

    found = json.loads(result.stdout)
    assert sorted((g["kind"], g["external_id"], g["identity"]) for g in found) == [
        ("scim", None, None),
        ("sso", None, None),
        ("undeclared", "key-1", "key-1"),
        ("undeclared", "u1", "pat@acme.com"),
    ]


def test_gaps_for_an_unknown_integration_exits_1(populated: Path) -> None:
    result = cli("gaps", "--integration", "nope")

    assert result.exit_code == 1
    assert "No integration is called `nope`" in result.stderr


def test_report_csv_and_json_to_files(populated: Path, tmp_path: Path) -> None:
    as_csv, as_json = tmp_path / "evidence.csv", tmp_path / "evidence.json"

    ok("report", "--format", "csv", "--output", str(as_csv))
    ok("report", "--format", "json", "--output", str(as_json), "--integration", "acme-tenant")

    identities = csv.DictReader(io.StringIO(as_csv.read_text().partition("\n\n")[0]))
    assert sorted(row["external_id"] for row in identities) == ["key-1", "u1"]
    document = json.loads(as_json.read_text())
    assert document["integrations"] == ["acme-tenant"]
    assert document["audit_chain"]["ok"] is True


def test_audit_verify_ok_then_broken_after_tampering(populated: Path) -> None:
    ok("rule", "acme-tenant", "kind:api_key", "workforce")
    verified = ok("audit", "verify")
    # Two registrations, the two claims made at registration, the import and the rule.
    assert "OK 1 declarations, 6 events, head " in verified.output
    head = verified.output.split("head ")[1].strip()

    with sqlite3.connect(populated) as connection:
        connection.execute("DROP TRIGGER declaration_no_update")
        [(seq,)] = connection.execute("SELECT seq FROM declaration").fetchall()
        connection.execute("UPDATE declaration SET answer = 'customer'")
    broken = cli("audit", "verify")
    anchored = cli("audit", "verify", "--expect-head", head)

    assert broken.exit_code == 1
    assert f"chain broken at declaration seq {seq}: content does not match its hash" in (
        broken.stderr
    )
    assert anchored.exit_code == 1


def test_declare_and_rule_commands(populated: Path) -> None:
    declared = ok("declare", "acme-tenant", "u1", "customer", "--note", "tenant admin")
    ruled = ok("rule", "acme-tenant", "kind:api_key", "workforce")

    assert "u1 is now customer" in declared.output
    assert "1 identity declared" in ruled.output
    found = json.loads(ok("gaps", "--format", "json").stdout)
    # A rule is no justification: staff keys in a customer tenant stay a lane mismatch.
    assert [(g["kind"], g["external_id"]) for g in found if g["external_id"]] == [
        ("lane-mismatch", "key-1")
    ]


def test_run_without_slack_tokens_names_them_in_one_line(database: Path) -> None:
    result = cli("run")

    assert result.exit_code == 2
    assert "missing settings: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_setting_stops_the_cli_with_its_name(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOUNDARY_REVIEW_DAYS", "soon")

    result = cli("integration", "list")

    assert result.exit_code == 2
    assert "BOUNDARY_REVIEW_DAYS" in result.stderr
