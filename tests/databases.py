"""Fresh, migrated databases for tests: SQLite files and PostgreSQL databases on loopback (and
`scalar`, one value read from either).

PostgreSQL tests need BOUNDARY_TEST_POSTGRES_URL (an admin URL, e.g.
postgresql://postgres@127.0.0.1:5432/postgres); without it they are skipped with that reason.
Each test gets its own database, copied from a template migrated once per worker.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from storage import migrate
from storage.engine import make_engine

POSTGRES_ENV = "BOUNDARY_TEST_POSTGRES_URL"
_counter = itertools.count()


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _libpq(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


class PostgresDatabases:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.template = f"boundary_tpl_{os.getpid()}_{_worker()}"
        self._template_ready = False

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(_libpq(self.admin_url), autocommit=True)

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.template}"')
        engine = make_engine(_libpq(self.admin_url, self.template))
        migrate.upgrade(engine)
        engine.dispose()
        self._template_ready = True

    @contextmanager
    def fresh(self) -> Iterator[str]:
        self._ensure_template()
        name = f"boundary_t_{os.getpid()}_{_worker()}_{next(_counter)}"
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        try:
            yield _libpq(self.admin_url, name)
        finally:
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._template_ready:
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


class SqliteDatabases:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.template = directory / "template.db"

    @contextmanager
    def fresh(self) -> Iterator[str]:
        if not self.template.exists():
            engine = make_engine(f"sqlite:///{self.template}")
            migrate.upgrade(engine)
            engine.dispose()
        path = self.directory / f"test-{next(_counter)}.db"
        shutil.copyfile(self.template, path)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


def scalar(database_url: str, sql: str) -> object:
    """The one value `sql` selects, read on a connection of its own (as an operator would)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()
