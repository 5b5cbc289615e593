"""Backup and restore as docs/deployment.md tells it, each ending with `audit verify --head` and
the head exported before the backup: `boundary-bot db backup` of a SQLite file while another
process keeps declaring, and PostgreSQL's pg_dump -Fc / pg_restore into a fresh database."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner, Result

from bot.authorization import Actor
from bot.cli import app
from bot.declarations import declare
from storage.engine import make_engine, session_factory, session_scope
from storage.vocabulary import Answer
from tests.cli.conftest import OPERATOR, OWNER, Workspace
from tests.conftest import NOW
from tests.support.postgres_roles import (
    apply_roles,
    deployment,
    empty_database,
    libpq_url,
    require_postgres_tools,
)

HEAD = re.compile(r"^OK (\d+) declarations, \d+ events, head ([0-9a-f]{64})$")
MOST_WRITES = 5000  # the writer stops on its own after this many, should the test not stop it


Env = Mapping[str, str | None]


def cli(env: Env, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def exported_head(env: Env) -> tuple[int, str]:
    """`audit verify` as an operator runs it to export the head: (count, head)."""
    done = cli(env, "audit", "verify")
    found = HEAD.match(done.output.strip())
    assert done.exit_code == 0, done.output
    assert found, done.output
    return int(found[1]), found[2]


def _seeded(workspace: Workspace) -> list[int]:
    workspace.seed("integration", "add", "acme-tenant", "--layer", "application", "--owner", OWNER)
    people = workspace.csv("people.csv", "external_id\n" + "".join(f"u{n}\n" for n in range(5)))
    workspace.seed("import", "acme-tenant", "--csv", people)
    for n in range(3):
        workspace.seed("declare", "acme-tenant", f"u{n}", "customer")
    with closing(sqlite3.connect(workspace.directory / "bot.db")) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM identity ORDER BY id")]


def _declarations(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("SELECT count(*) FROM declaration").fetchone()[0])


def _writer(url: str, identity_ids: list[int], stop: Event) -> None:
    """Declares, one transaction each, until told to stop."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    answers = (Answer.WORKFORCE, Answer.CUSTOMER)
    for n in range(MOST_WRITES):
        if stop.is_set():
            break
        with session_scope(sessions) as session:
            declare(
                session,
                actor=Actor(OWNER),
                identity_id=identity_ids[n % len(identity_ids)],
                answer=answers[n % 2],
                now=NOW,
            )
    engine.dispose()


def _wait_until(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_backup_taken_while_another_process_writes_verifies_against_the_earlier_head(
    workspace: Workspace,
) -> None:
    identity_ids = _seeded(workspace)
    live = workspace.directory / "bot.db"
    before, head = exported_head(workspace.env)
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    writer = context.Process(
        target=_writer, args=(workspace.env["DATABASE_URL"], identity_ids, stop)
    )
    writer.start()
    try:
        _wait_until(lambda: _declarations(live) > before + 5)
        backed_up = cli(workspace.env, "db", "backup", "backup.db")
        copied = int(re.findall(r"(\d+) declarations", backed_up.output)[0])
        _wait_until(lambda: _declarations(live) > copied + 5)
    finally:
        stop.set()
        writer.join(timeout=60)
    restored = workspace.directory / "restored" / "bot.db"
    restored.parent.mkdir()
    shutil.copyfile(workspace.directory / "backup.db", restored)  # the runbook's restore

    verified = cli(workspace.env | {"DATABASE_URL": f"sqlite:///{restored}"},
                   "audit", "verify", "--head", head)  # fmt: skip

    assert backed_up.exit_code == 0, backed_up.output
    assert writer.exitcode == 0
    assert before + 5 < copied < _declarations(live)
    assert not list(workspace.directory.glob("backup.db-*"))  # one file, no -wal beside it
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith(f"OK {copied} declarations, 2 events, head ")


def test_a_tampered_copy_fails_verify_against_the_earlier_head(workspace: Workspace) -> None:
    _seeded(workspace)
    _, head = exported_head(workspace.env)
    workspace.seed("db", "backup", "backup.db")
    with closing(sqlite3.connect(workspace.directory / "backup.db")) as copy:
        copy.execute("DROP TRIGGER declaration_no_update")
        copy.execute("UPDATE declaration SET answer = 'workforce' WHERE seq = 3")
        copy.commit()

    verified = cli(workspace.env | {"DATABASE_URL": f"sqlite:///{workspace.directory}/backup.db"},
                   "audit", "verify", "--head", head)  # fmt: skip

    assert verified.exit_code == 1
    assert "chain broken at declaration seq 3: content does not match its hash" in verified.output


def test_backup_never_overwrites_a_file_unless_forced(workspace: Workspace) -> None:
    _seeded(workspace)
    existing = workspace.directory / "backup.db"
    existing.write_text("keep me", encoding="utf-8")

    refused = cli(workspace.env, "db", "backup", str(existing))
    kept = existing.read_text(encoding="utf-8")
    forced = cli(workspace.env, "db", "backup", str(existing), "--force")

    assert refused.exit_code == 1
    assert "exists; choose a new file, or pass --force" in refused.output
    assert kept == "keep me"
    assert forced.exit_code == 0, forced.output
    assert _declarations(existing) == 3


def test_backup_refuses_postgresql_with_one_line_pointing_at_the_runbook(
    workspace: Workspace,
) -> None:
    pg = workspace.env | {"DATABASE_URL": "postgresql://u@127.0.0.1:1/db"}

    done = cli(pg, "db", "backup", "x.dump")

    assert done.exit_code == 2
    [line] = done.output.splitlines()
    assert "pg_dump" in line
    assert "docs/deployment.md" in line
    assert not (workspace.directory / "x.dump").exists()


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def _ok(env: Env, *args: str) -> None:
    done = cli(env, *args)
    assert done.exit_code == 0, done.output


@dataclass(frozen=True)
class RestoredCopy:
    head: str  # exported from the source before the dump
    bot_url: str  # the bot's role on the restored database
    env: dict[str, str | None]


@pytest.fixture(scope="module")
def restored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RestoredCopy]:
    """The runbook: a deployment with data, its head exported, pg_dump as the migration role;
    a fresh database with roles.sql, pg_restore as the migration role, `db upgrade` to fit the
    privileges again."""
    admin = require_postgres_tools("pg_dump", "pg_restore")
    directory = tmp_path_factory.mktemp("restore")
    dump = directory / "boundary.dump"
    with pytest.MonkeyPatch.context() as patch, deployment(admin) as source:
        patch.chdir(directory)  # no stray .env
        # None: CliRunner removes these from the environment while a command runs.
        clean: dict[str, str | None] = {
            name: None for name in os.environ if name.startswith(("SLACK_", "BOUNDARY_"))
        }
        _ok(clean | {"DATABASE_URL": source.migrator_url}, "db", "upgrade")
        env = clean | {"DATABASE_URL": source.bot_url, "BOUNDARY_OPERATOR": OPERATOR}
        people = directory / "people.csv"
        people.write_text("external_id\nu1\n", encoding="utf-8")
        _ok(env, "integration", "add", "acme-tenant", "--layer", "application", "--owner", OWNER)
        _ok(env, "import", "acme-tenant", "--csv", str(people))
        _ok(env, "declare", "acme-tenant", "u1", "customer")
        _, head = exported_head(env)
        _run("pg_dump", "--format=custom", f"--file={dump}", source.migrator_url)
        copy = f"{source.database}_restored"
        with empty_database(admin, copy) as copy_admin:
            apply_roles(copy_admin, source)
            migrator = libpq_url(admin, database=copy, user=source.migrator)
            _run("pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
                 f"--dbname={migrator}", str(dump))  # fmt: skip
            _ok(clean | {"DATABASE_URL": migrator}, "db", "upgrade")
            yield RestoredCopy(head, libpq_url(admin, database=copy, user=source.bot), clean)


def test_pg_dump_and_pg_restore_give_a_copy_that_verifies_against_the_earlier_head(
    restored: RestoredCopy,
) -> None:
    env = restored.env | {"DATABASE_URL": restored.bot_url}

    verified = cli(env, "audit", "verify", "--head", restored.head)

    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith(f"OK 1 declarations, 2 events, head {restored.head}")


def test_a_restored_postgresql_copy_keeps_the_bot_role_out_of_the_records(
    restored: RestoredCopy,
) -> None:
    with (
        psycopg.connect(restored.bot_url, autocommit=True) as bot,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"),
    ):
        bot.execute("UPDATE declaration SET note = 'rewritten'")
