"""`db backup` and `db roles`: a consistent copy of a SQLite database, and the PostgreSQL roles
script (the `db` group itself, with `db upgrade`, is in bot/cli/server.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from bot.cli.output import fail, say
from bot.cli.runtime import database_errors, runtime
from bot.settings import SettingsError, load_settings
from bot.text import plural
from storage.backup import BackupRefused, copy_sqlite
from storage.engine import normalise_url
from storage.roles import ROLES_SQL

RUNBOOK = "docs/deployment.md, section Backup and restore"


def db_backup(
    path: Annotated[Path, typer.Argument(help="The file to write (must not exist yet).")],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
) -> None:
    """Copy the SQLite database to PATH, consistently, while the bot keeps running.

    Prints the copy's chain head; check a restored copy with `audit verify --head`.
    PostgreSQL is backed up with pg_dump instead (docs/deployment.md).
    """
    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error), 2)
    url = make_url(normalise_url(settings.database_url))
    if url.get_backend_name() != "sqlite":
        fail(f"db backup copies SQLite databases; back PostgreSQL up with pg_dump ({RUNBOOK})", 2)
    if not url.database or not Path(url.database).is_file():
        fail(f"there is no SQLite database at {url.database or 'an in-memory database'}", 2)
    # No migration first: a backup is what one takes before upgrading.
    built = runtime(migrate_sqlite=False, settings=settings)
    try:
        with database_errors(settings.database_url):
            copied = copy_sqlite(built.engine, path, replace=force)
    except BackupRefused as refused:
        fail(str(refused))
    finally:
        built.engine.dispose()
    say(
        f"wrote {copied.path} ({copied.size} bytes): {plural(copied.declarations, 'declaration')},"
        f" head {copied.head}"
    )


def db_roles() -> None:
    """Print the SQL that creates the migration role and the bot's role (run it with psql)."""
    sys.stdout.write(ROLES_SQL)


def register(database: typer.Typer) -> None:
    database.command("backup")(db_backup)
    database.command("roles")(db_roles)
