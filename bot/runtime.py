"""What every entry point builds once: settings, the engine, the session factory and the
metrics."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from bot.clock import Clock, SystemClock
from bot.metrics import Metrics
from bot.settings import Settings
from bot.text import plural
from storage import migrate
from storage.engine import make_engine, read_only_engine, session_factory, session_scope

logger = logging.getLogger(__name__)


class SchemaBehind(Exception):
    """The database needs `boundary-bot db upgrade` before this process may use it."""


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    # The same pool, for units of work that only read (see `reading`).
    reading_sessions: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    # Its own Prometheus registry: a process serves one Runtime's, and tests build many.
    metrics: Metrics = field(default_factory=Metrics)
    # Set when the process is shutting down: long scheduled loops (the paced Slack lookups of
    # the nudge cycle and the orphan check) stop at their next wait instead of holding the exit.
    stopping: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        engine = make_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            reading_sessions=session_factory(read_only_engine(engine)),
            clock=clock or SystemClock(),
        )

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        with session_scope(self.sessions) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A unit of work that only reads (lookups, gaps, the Home tab): on SQLite it does not
        take the write lock, so concurrent lookups do not wait for each other."""
        with session_scope(self.reading_sessions) as session:
            yield session

    def ensure_schema(self) -> None:
        """Apply pending migrations on SQLite (one process owns it); on a shared server,
        refuse to start on an old schema instead of racing other replicas to migrate it."""
        waiting = migrate.pending(self.engine)
        if not waiting:
            return
        if self.engine.dialect.name == "sqlite":
            applying = plural(len(waiting), "migration")
            logger.info("applying %s to %s", applying, self.engine.url.database)
            migrate.upgrade(self.engine)
            return
        raise SchemaBehind(
            f"the database schema is behind by {plural(len(waiting), 'migration')};"
            " run `boundary-bot db upgrade` once, then start the bot"
        )
