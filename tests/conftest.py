"""Shared fixtures: a fresh migrated database per test, on SQLite and on PostgreSQL, and the
Slack Web API stand-in on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Literal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.authorization import Actor
from bot.clock import ManualClock
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from bot.settings import Settings
from storage.engine import make_engine, session_factory, session_scope
from tests.databases import POSTGRES_ENV, PostgresDatabases, SqliteDatabases, postgres_admin_url

OWNER = "U0OWNER01"
BACKUP = "U0BACKUP1"
ADMIN = "U0ADMIN01"
STRANGER = "U0STRANGE"
NOW = datetime(2026, 11, 30, 14, 30, tzinfo=UTC)
# The bot token the `standin` fixture accepts unless a module declares its own stand-in.
BOT_TOKEN = "xoxb-test-token"


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases | None]:
    url = postgres_admin_url()
    if url is None:
        yield None
        return
    databases = PostgresDatabases(url)
    yield databases
    databases.close()


def _fresh_url(request: pytest.FixtureRequest, backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with request.getfixturevalue("sqlite_databases").fresh() as url:
            yield url
        return
    databases = request.getfixturevalue("postgres_databases")
    if databases is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    with databases.fresh() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh migrated database, once on SQLite and once on PostgreSQL."""
    yield from _fresh_url(request, request.param)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (skipped without one)."""
    yield from _fresh_url(request, "postgres")


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _fresh_url(request, "sqlite")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    built = make_engine(database_url)
    yield built
    built.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """One unit of work, committed at the end of the test body's `with` blocks of its own."""
    with session_scope(session_factory(engine)) as unit:
        yield unit


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def runtime(database_url: str, clock: ManualClock) -> Iterator[Runtime]:
    settings = Settings(_env_file=None, DATABASE_URL=database_url, BOUNDARY_ADMINS=ADMIN)  # type: ignore[call-arg]
    built = Runtime.build(settings, clock=clock)
    yield built
    built.engine.dispose()


@pytest.fixture
def owner() -> Actor:
    return Actor(OWNER)


@pytest.fixture
def admin() -> Actor:
    return Actor(ADMIN, is_admin=True)


@pytest.fixture
def stranger() -> Actor:
    return Actor(STRANGER)


def standin_fixture(
    *,
    token: str = BOT_TOKEN,
    app_token: str | None = None,
    scope: Literal["function", "module"] = "function",
    name: str = "standin",
) -> Any:
    """The Slack Web API stand-in as a fixture, accepting `token` (and `app_token`, for Socket
    Mode). This file declares the default `standin`, fresh for each test; a module that needs
    other tokens, or one stand-in for all its tests (a bot process it starts once), declares its
    own: `standin = standin_fixture(token=..., scope="module")`."""

    @pytest.fixture(scope=scope, name=name)
    def running_standin() -> Iterator[SlackStandIn]:
        with SlackStandIn(token=token, app_token=app_token) as running:
            yield running

    return running_standin


standin = standin_fixture()
