"""A PostgreSQL deployment as docs/deployment.md sets one up: an empty database, the two roles
of docs/sql/roles.sql applied with psql, and the URLs of the administrator, the migration role
and the bot's role. Names carry a random token (roles are cluster-wide, and tests run on several
workers at once); the database and both roles are dropped at the end."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.databases import POSTGRES_ENV, postgres_admin_url

# Loopback trusts every role in CI; a password is set all the same, as roles.sql asks for one.
PASSWORD = "test-password"
ROLES_SQL = Path(__file__).resolve().parents[2] / "docs" / "sql" / "roles.sql"


@dataclass(frozen=True)
class Deployment:
    database: str
    migrator: str
    bot: str
    admin_url: str  # the administrator, connected to this database
    migrator_url: str
    bot_url: str


def libpq_url(admin_url: str, *, database: str, user: str | None = None, password: str = "") -> str:
    parsed = make_url(admin_url).set(drivername="postgresql", database=database)
    if user is not None:
        parsed = parsed.set(username=user, password=password or None)
    return parsed.render_as_string(hide_password=False)


# Read at import: the CLI tests' `workspace` fixture drops every BOUNDARY_* variable.
_ADMIN_URL = postgres_admin_url()


def require_postgres_tools(*tools: str) -> str:
    """The admin URL, or skip: these tests need the server and its client programs."""
    admin = postgres_admin_url() or _ADMIN_URL
    if admin is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    missing = [tool for tool in ("psql", *tools) if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs PostgreSQL's client programs on PATH: {', '.join(missing)}")
    return admin


def apply_roles(admin_url: str, deployment: Deployment, script: Path = ROLES_SQL) -> None:
    """psql -f roles.sql, as an administrator connected to the deployment's database."""
    subprocess.run(
        ["psql", admin_url, "-q", "-v", "ON_ERROR_STOP=1",
         "-v", f"migrator={deployment.migrator}", "-v", f"migrator_password={PASSWORD}",
         "-v", f"bot={deployment.bot}", "-v", f"bot_password={PASSWORD}",
         "-f", str(script)],
        check=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@contextmanager
def empty_database(admin_url: str, name: str) -> Iterator[str]:
    """A new, empty database (not the tests' migrated template); the admin URL of it."""
    with psycopg.connect(libpq_url(admin_url, database="postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield libpq_url(admin_url, database=name)
    finally:
        with psycopg.connect(libpq_url(admin_url, database="postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def deployment(admin_url: str) -> Iterator[Deployment]:
    """An empty database with roles.sql applied (nothing migrated yet)."""
    token = secrets.token_hex(4)
    name, migrator, bot = f"bb_{token}", f"bb_{token}_migrator", f"bb_{token}_bot"
    try:
        with empty_database(admin_url, name) as database_admin:
            made = Deployment(
                database=name,
                migrator=migrator,
                bot=bot,
                admin_url=database_admin,
                migrator_url=libpq_url(admin_url, database=name, user=migrator, password=PASSWORD),
                bot_url=libpq_url(admin_url, database=name, user=bot, password=PASSWORD),
            )
            apply_roles(database_admin, made)
            yield made
    finally:
        drop_roles(admin_url, migrator, bot)


def drop_roles(admin_url: str, *roles: str) -> None:
    """Drop the roles once no database holds their objects or privileges any more."""
    with psycopg.connect(libpq_url(admin_url, database="postgres"), autocommit=True) as admin:
        for role in roles:
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
