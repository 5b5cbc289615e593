"""What an operator asks a replica over HTTP: is it alive (`/healthz`), may it take traffic
(`/readyz`), and its Prometheus metrics (`/metrics`). See docs/observability.md."""

from __future__ import annotations

from alembic.script.revision import RevisionError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.runtime import Runtime
from bot.text import plural
from storage import migrate
from storage.engine import database_answers, read_only_engine

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"


def not_ready(runtime: Runtime, *, slack_token_accepted: bool) -> str | None:
    """Why this replica should not take traffic, in a few words; None when it may."""
    # The runtime's current engine, in read-only transactions: on SQLite a probe must not take
    # the write lock (every other transaction there begins IMMEDIATE).
    engine = read_only_engine(runtime.engine)
    if not database_answers(engine):
        return "database unavailable"
    try:
        waiting = migrate.pending(engine)
    except RevisionError:
        # The database knows a revision this release does not: a newer release migrated it
        # (migrations come before the new replicas start). This one keeps serving until
        # replaced, as a rolling deploy needs.
        waiting = []
    except SQLAlchemyError:
        return "database unavailable"
    if waiting:
        return (
            f"database schema is behind by {plural(len(waiting), 'migration')};"
            " run `boundary-bot db upgrade`"
        )
    if not slack_token_accepted:
        return "Slack has not accepted the bot token"
    return None


def probe_routes(runtime: Runtime, *, slack_token_accepted: bool) -> list[BaseRoute]:
    """The three GET routes, for the HTTP app of `boundary-bot run`."""

    async def healthz(_: Request) -> Response:
        # Liveness: the process serves requests. Never the database: a database outage must not
        # make the platform restart every replica (readiness takes them out of rotation).
        return PlainTextResponse("ok")

    async def readyz(_: Request) -> Response:
        problem = await run_in_threadpool(
            not_ready, runtime, slack_token_accepted=slack_token_accepted
        )
        return PlainTextResponse(problem or "ready", 503 if problem else 200)

    async def metrics(request: Request) -> Response:
        body, content_type = runtime.metrics.exposition(request.headers.get("accept", ""))
        return Response(body, headers={"content-type": content_type})

    return [
        Route(HEALTH_PATH, healthz, methods=["GET"]),
        Route(READY_PATH, readyz, methods=["GET"]),
        Route(METRICS_PATH, metrics, methods=["GET"]),
    ]
