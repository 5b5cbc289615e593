"""Our global middleware as bolt class middleware: bolt calls a function middleware through
its keyword injection, which inspects and builds every argument the function names on every
request (a tenth of a `who` answer's cost, see docs/benchmarks.md "Issue 15: who over HTTP");
a class middleware is called with the request itself."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

Next = Callable[[], BoltResponse]


class RequestMiddleware(Middleware):
    """`step(request, next)` run as bolt class middleware, for every request."""

    def __init__(self, step: Callable[[BoltRequest, Next], BoltResponse | None]) -> None:
        self._step = step
        self.__name__ = getattr(step, "__name__", type(self).__name__)

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Next) -> BoltResponse | None:
        # What the step returns goes back to bolt as is, as a function middleware's would.
        return self._step(req, next)

    @property
    def name(self) -> str:
        return f"RequestMiddleware({self.__name__})"
