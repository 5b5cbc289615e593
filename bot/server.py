"""Serving Slack: Socket Mode, or HTTP behind uvicorn with `/slack/events` and `/healthz`."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.app import create_app
from bot.context import Runtime
from bot.scheduler import start_scheduler
from storage.engine import database_answers

logger = logging.getLogger(__name__)

# Every interface: replicas sit behind a load balancer or a container port mapping. Use a
# firewall or the platform's network policy, not the bind address, to keep it private.
BIND_HOST = "0.0.0.0"  # noqa: S104
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def _bolt_response(answer: BoltResponse) -> Response:
    return Response(
        status_code=answer.status,
        content=answer.body,
        headers=answer.first_headers_without_set_cookie(),
    )


def build_asgi_app(runtime: Runtime, *, client: WebClient | None = None) -> Starlette:
    """The HTTP surface: Slack's requests and a liveness probe, as one ASGI app."""
    bolt = create_app(runtime, client=client)
    return asgi_for(bolt, runtime)


def asgi_for(bolt: App, runtime: Runtime) -> Starlette:
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        bolt_request = BoltRequest(
            body=body.decode("utf-8", errors="replace"),
            query=str(request.url.query),
            headers={key: [value] for key, value in request.headers.items()},
        )
        # bolt's listeners are synchronous (database work, Web API calls): run each request
        # on the thread pool so one slow request never holds up the event loop.
        answer: BoltResponse = await run_in_threadpool(bolt.dispatch, bolt_request)
        return _bolt_response(answer)

    async def healthz(_: Request) -> Response:
        alive = await run_in_threadpool(database_answers, runtime.engine)
        return PlainTextResponse("ok" if alive else "database unavailable", 200 if alive else 503)

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route(HEALTH_PATH, healthz, methods=["GET"]),
        ]
    )


def serve(runtime: Runtime) -> None:
    """Run until interrupted; the scheduler runs alongside and stops with the server."""
    logging.getLogger().setLevel(runtime.settings.log_level.upper())
    scheduler = start_scheduler(runtime)
    try:
        if runtime.settings.socket_mode:
            _serve_socket_mode(runtime)
        else:
            _serve_http(runtime)
    finally:
        _stop(scheduler)


def _serve_http(runtime: Runtime) -> None:
    import uvicorn

    port = runtime.settings.port
    logger.info("serving Slack over HTTP on %s:%d%s", BIND_HOST, port, EVENTS_PATH)
    uvicorn.run(
        build_asgi_app(runtime),
        host=BIND_HOST,
        port=port,
        log_level=runtime.settings.log_level.lower(),
        access_log=False,
        timeout_graceful_shutdown=10,
    )


def _serve_socket_mode(runtime: Runtime) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = runtime.settings.slack_app_token
    assert token is not None
    logger.info("serving Slack over Socket Mode")
    handler = SocketModeHandler(create_app(runtime), token.get_secret_value())
    handler.start()  # type: ignore[no-untyped-call]


def _stop(scheduler: Any | None) -> None:
    if scheduler is None:
        return
    try:
        scheduler.shutdown(wait=False)
    except Exception:
        logger.warning("the scheduler did not stop cleanly", exc_info=True)
