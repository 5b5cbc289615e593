"""How a listener reaches the runtime: one global middleware puts it into bolt's context for
every request, and `runtime_of` reads it back, typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext

from bot.authorization import Actor
from bot.runtime import Runtime

RUNTIME = "boundary_runtime"

Middleware = Callable[[BoltContext, Callable[[], object]], None]


class _Shared:
    """The runtime as the context holds it. bolt deep-copies the context for lazy listeners;
    the runtime (its engine and connection pools) must be shared by them, never copied."""

    __slots__ = ("runtime",)

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def __deepcopy__(self, memo: dict[int, Any]) -> _Shared:
        return self


def provide_runtime(runtime: Runtime) -> Middleware:
    """The global middleware that the app factory registers with `app.use`."""
    shared = _Shared(runtime)

    def with_runtime(context: BoltContext, next: Callable[[], object]) -> None:
        context[RUNTIME] = shared
        next()

    return with_runtime


def runtime_of(context: BoltContext) -> Runtime:
    shared = context.get(RUNTIME)
    if not isinstance(shared, _Shared):
        raise LookupError("no runtime in the bolt context; create_app registers provide_runtime")
    return shared.runtime


def actor_of(context: BoltContext, user_id: str) -> Actor:
    """The Slack user behind a request, as the use cases know them (admin or not)."""
    return Actor.slack_user(user_id, runtime_of(context).settings.admins)
