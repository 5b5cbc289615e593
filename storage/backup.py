"""A consistent copy of a live SQLite database, taken while the bot runs (`boundary-bot db
backup`). PostgreSQL is backed up with its own tools (docs/deployment.md)."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine


class BackupRefused(Exception):
    """The copy was not made; `str(error)` says why, in one line."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    declarations: int  # how many declarations the copy holds
    head: str


def sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        raise BackupRefused("only a SQLite database file can be copied this way")
    return Path(database)


def copy_sqlite(engine: Engine, target: Path, *, replace: bool = False) -> Backup:
    """Copy the database behind `engine` to `target` with SQLite's online backup API.

    The copy is made in one step, inside one read transaction of the source: it is the
    database as of one moment, whatever other connections and processes commit meanwhile (in
    WAL mode they are not even held up). It is written beside `target` and renamed into place
    only once it is whole and passes `PRAGMA quick_check`, so `target` is never half written.
    """
    source = sqlite_file(engine)
    if not source.exists():
        raise BackupRefused(f"there is no database at {source}")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupRefused(f"{target} is the database itself; choose another file")
    if target.exists() and not replace:
        raise BackupRefused(f"{target} exists; choose a new file, or pass --force to replace it")
    if Path(f"{target}-wal").exists():
        raise BackupRefused(f"{target}-wal exists: is a process using {target}?")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        head = _copy(engine, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(target, target.stat().st_size, head[0], head[1])


def _copy(engine: Engine, partial: Path) -> tuple[int, str]:
    pooled = engine.raw_connection()
    try:
        live = pooled.driver_connection
        assert isinstance(live, sqlite3.Connection)
        copy = sqlite3.connect(partial)
        try:
            live.backup(copy)  # pages=-1: every page in one step, one snapshot
            # A single file, readable without its -wal: the copy is in rollback-journal mode.
            copy.execute("PRAGMA journal_mode=DELETE")
            checked = copy.execute("PRAGMA quick_check").fetchone()
            if checked is None or checked[0] != "ok":
                raise BackupRefused(f"the copy failed its integrity check ({checked})")
            # The head's seq counts events too; the line an operator reads counts declarations.
            head = copy.execute(
                "SELECT (SELECT count(*) FROM declaration), hash FROM audit_chain_head WHERE id = 1"
            ).fetchone()
        finally:
            copy.close()
    finally:
        pooled.close()
    with partial.open("rb") as written:
        os.fsync(written.fileno())
    return (int(head[0]), str(head[1])) if head else (0, "")
