"""The Slack request being served, as log lines and metrics see it: its kind, how it ended,
and the error id it was given, in a context variable that the HTTP edge sets per request.

The listeners of the request (on Starlette's thread pool, and bolt's lazy listeners, which run
on an executor that copies the context) note what happened on the same `RequestScope`; the
logging filter (bot/logs.py) adds the kind and the error id to every line written meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from bot.metrics import RequestKind, RequestOutcome


@dataclass
class RequestScope:
    kind: str = RequestKind.UNKNOWN
    outcome: RequestOutcome | None = None  # None: decided by the HTTP status at the edge
    error_id: str | None = None


_current: ContextVar[RequestScope | None] = ContextVar("boundary_request_scope", default=None)


@contextmanager
def request_scope() -> Iterator[RequestScope]:
    """A new scope for one request, current until the block ends."""
    scope = RequestScope()
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def current() -> RequestScope | None:
    return _current.get()


def note_outcome(outcome: RequestOutcome) -> None:
    """How the current request ended (no-op outside a request: Socket Mode, jobs, the CLI). The
    first outcome noted wins: a request refused as a retry stays a retry."""
    scope = _current.get()
    if scope is not None and scope.outcome is None:
        scope.outcome = outcome


def note_error(error_id: str) -> None:
    """The current request failed unexpectedly and was given `error_id`."""
    scope = _current.get()
    if scope is not None:
        scope.error_id = error_id
        scope.outcome = RequestOutcome.ERROR
