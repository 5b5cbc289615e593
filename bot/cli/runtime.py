"""The Runtime of one CLI command, with settings, schema, database and domain failures turned
into one line on stderr."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.cli.output import fail
from bot.errors import DomainError
from bot.runtime import Runtime, SchemaBehind
from bot.settings import Settings, SettingsError, load_settings


def runtime(*, migrate_sqlite: bool = True, settings: Settings | None = None) -> Runtime:
    """Settings, engine and sessions; exits 2 with one line when any of them is unusable."""
    try:
        built = Runtime.build(settings or load_settings())
    except SettingsError as error:
        fail(str(error), 2)
    with database_errors(built.settings.database_url):
        try:
            if migrate_sqlite:
                built.ensure_schema()
            else:
                with built.engine.connect():
                    pass
        except SchemaBehind as error:
            fail(str(error), 2)
    return built


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """A database that cannot be reached (or stops answering) is one line and exit code 2."""
    try:
        yield
    except DBAPIError as error:
        if isinstance(error, OperationalError) or error.connection_invalidated:
            fail(unreachable(url, error), 2)
        raise


def unreachable(url: str, error: DBAPIError) -> str:
    """Names the database by host and port (or file), never by its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        where = parsed.database or "an in-memory SQLite database"
    else:
        where = f"{parsed.host or 'localhost'}:{parsed.port or 'default port'}"
        if parsed.database:
            where += f"/{parsed.database}"
    reason = next(iter(str(error.orig).strip().splitlines()), type(error.orig).__name__)
    if parsed.password:
        reason = reason.replace(str(parsed.password), "***")
    return f"cannot use the database at {where}: {reason} (check DATABASE_URL)"


@contextmanager
def domain_errors() -> Iterator[None]:
    """A domain error (something the operator can fix) is one line and exit code 1."""
    try:
        yield
    except DomainError as error:
        fail(str(error))
