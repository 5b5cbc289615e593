"""Units of work: read-only units do not take SQLite's write lock, and refuse writes on
PostgreSQL."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from bot.authorization import Actor
from bot.integrations import register_integration
from bot.runtime import Runtime
from bot.who import who
from storage.vocabulary import Layer
from tests.conftest import NOW, OWNER


def test_a_reading_unit_does_not_hold_up_a_writer(runtime: Runtime) -> None:
    with runtime.unit_of_work() as session:
        register_integration(
            session, actor=Actor(OWNER), name="first", layer=Layer.PLATFORM, now=NOW
        )
    written = threading.Event()

    def write() -> None:
        with runtime.unit_of_work() as session:
            register_integration(
                session, actor=Actor(OWNER), name="second", layer=Layer.PLATFORM, now=NOW
            )
        written.set()

    with runtime.reading() as session:
        assert who(session, query="first").integration is not None
        writer = threading.Thread(target=write)
        writer.start()
        # A reading unit that took the write lock would keep the writer waiting until it ends.
        assert written.wait(timeout=10), "the writer waited for a reading unit of work"
    writer.join()

    with runtime.reading() as session:
        assert who(session, query="second").integration is not None


def test_a_reading_unit_refuses_writes_on_postgresql(postgres_url: str) -> None:
    from bot.settings import Settings

    built = Runtime.build(Settings(_env_file=None, DATABASE_URL=postgres_url))
    try:
        with pytest.raises(sa.exc.DBAPIError, match="read-only"), built.reading() as session:
            register_integration(
                session, actor=Actor(OWNER), name="sneaky", layer=Layer.PLATFORM, now=NOW
            )
        with built.reading() as session:
            assert not who(session, query="sneaky").found
    finally:
        built.engine.dispose()
