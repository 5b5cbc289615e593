"""Serving Slack: Socket Mode, or HTTP behind uvicorn with `/slack/events` and the operator's
probes (`/healthz`, `/readyz`, `/metrics`; bot/probes.py)."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.app import create_app, slack_messenger
from bot.metrics import RequestOutcome, outcome_of
from bot.probes import probe_routes
from bot.request_scope import RequestScope, request_scope
from bot.runtime import Runtime
from bot.scheduler import start_scheduler
from handlers.client import make_client
from handlers.http_edge import Refused, bolt_request, check_signature, read_body, request_kind

logger = logging.getLogger(__name__)

# Every interface: replicas sit behind a load balancer or a container port mapping. Use a
# firewall or the platform's network policy, not the bind address, to keep it private.
BIND_HOST = "0.0.0.0"  # noqa: S104
EVENTS_PATH = "/slack/events"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# How often Socket Mode's main thread looks for a stop signal (a sleep, not a lock: a signal
# handler that touched a lock the main thread holds could deadlock).
STOP_POLL_SECONDS = 0.1


def _bolt_response(answer: BoltResponse) -> Response:
    return Response(
        status_code=answer.status,
        content=answer.body,
        headers=answer.first_headers_without_set_cookie(),
    )


def build_asgi_app(
    runtime: Runtime, *, client: WebClient | None = None, slack_token_accepted: bool = False
) -> Starlette:
    """The HTTP surface: Slack's requests and the operator's probes, as one ASGI app.
    `slack_token_accepted`: auth.test accepted the bot token before serving (readiness)."""
    bolt = create_app(runtime, client=client)
    return asgi_for(bolt, runtime, slack_token_accepted=slack_token_accepted)


def asgi_for(bolt: App, runtime: Runtime, *, slack_token_accepted: bool = False) -> Starlette:
    """`bolt` behind the HTTP edge: the only place a Slack request's signature is checked (the
    app factory turns bolt's own check off), so there is no way to serve it unsigned."""
    if runtime.settings.slack_signing_secret is None:
        raise ValueError("serving Slack over HTTP needs SLACK_SIGNING_SECRET")
    secret = runtime.settings.slack_signing_secret.get_secret_value()

    async def answer(request: Request, scope: RequestScope) -> Response:
        try:
            body = await read_body(request)
            check_signature(body, request.headers, secret)
            slack_request = bolt_request(
                body, query=str(request.url.query), headers=request.headers
            )
        except Refused as refusal:
            scope.outcome = RequestOutcome.REFUSED
            # One short line; never the body, which an unauthenticated sender controls.
            logger.warning("refused a request: %s (HTTP %d)", refusal.reason, refusal.status)
            return PlainTextResponse(refusal.reason, refusal.status)
        scope.kind = request_kind(slack_request.body)
        # bolt's listeners are synchronous (database work, Web API calls): run each request
        # on the thread pool so one slow request never holds up the event loop.
        answered: BoltResponse = await run_in_threadpool(bolt.dispatch, slack_request)
        return _bolt_response(answered)

    async def slack_events(request: Request) -> Response:
        # Monotonic, for a duration; the acknowledgement ends when the response is handed over.
        received = time.perf_counter()
        with request_scope() as scope:
            status = 500
            try:
                response = await answer(request, scope)
                status = response.status_code
                return response
            finally:
                runtime.metrics.slack_request(
                    scope.kind,
                    scope.outcome or outcome_of(status),
                    seconds=time.perf_counter() - received,
                )

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            *probe_routes(runtime, slack_token_accepted=slack_token_accepted),
        ]
    )


def serve(runtime: Runtime) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly and return (exit code 0); the scheduler
    runs alongside and stops with the server. Logging is configured by the caller
    (bot/logs.py)."""
    client = make_client(runtime.settings)
    check_bot_token(runtime, client)
    with _stop_signals() as received:
        scheduler = start_scheduler(
            runtime, messenger=slack_messenger(runtime.settings, client=client)
        )
        try:
            if runtime.settings.socket_mode:
                _serve_socket_mode(runtime, client, received)
            else:
                _serve_http(runtime, client, received)
        finally:
            runtime.stopping.set()
            _stop(scheduler)
    if received:
        logger.info("stopped on %s", signal.Signals(received[0]).name)


def check_bot_token(runtime: Runtime, client: WebClient) -> None:
    """Ask Slack who the bot is before serving: a refused token or an unreachable Slack stops
    start-up with one line that names the setting, instead of failing on the first request."""
    host = urlsplit(runtime.settings.slack_api_url).netloc
    # slack-sdk logs every retried attempt as an error; the outcome is said once, below.
    sdk_logger = logging.getLogger("slack_sdk.web.base_client")
    level = sdk_logger.level
    sdk_logger.setLevel(logging.CRITICAL)
    try:
        answer = client.auth_test()
    except SlackApiError as error:
        raise SystemExit(
            f"error: Slack ({host}) refused SLACK_BOT_TOKEN: auth.test answered"
            f" `{error.response.get('error')}`; check the bot token (xoxb-...)"
        ) from None
    except OSError as error:
        raise SystemExit(
            f"error: cannot reach Slack at {host} ({_reason(error)}); check SLACK_API_URL,"
            " the network and any outbound proxy"
        ) from None
    finally:
        sdk_logger.setLevel(level)
    logger.info("Slack accepted the bot token (team %s)", answer.get("team_id"))


def _reason(error: OSError) -> str:
    reason = getattr(error, "reason", None) or error
    return str(getattr(reason, "strerror", None) or reason)


@contextmanager
def _stop_signals() -> Iterator[list[int]]:
    """Record SIGINT and SIGTERM instead of dying on them, so that the servers stop in order.

    uvicorn installs its own handlers while it serves and, once it has shut down gracefully,
    re-raises the signal it caught to the handlers it found: these, which only record it.
    """
    received: list[int] = []

    def record(signum: int, _: FrameType | None) -> None:
        received.append(signum)

    previous = {signum: signal.signal(signum, record) for signum in STOP_SIGNALS}
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _serve_http(runtime: Runtime, client: WebClient, received: list[int]) -> None:
    import uvicorn

    if received:
        return  # stopped while starting up, before uvicorn took over the signals
    settings = runtime.settings
    workers = settings.http_workers
    logger.info(
        "serving Slack over HTTP on %s:%d%s (%s)",
        BIND_HOST,
        settings.port,
        EVENTS_PATH,
        "one process" if workers == 1 else f"{workers} worker processes",
    )
    # Only reached once check_bot_token has passed.
    if workers == 1:
        app: Any = build_asgi_app(runtime, client=client, slack_token_accepted=True)
        factory = False
    else:
        # uvicorn's own supervisor spawns the workers; each imports this module and builds its
        # app from the same settings (the environment). The scheduler stays in this process,
        # so there is one per host whatever the worker count (the nudge ledger makes replicas
        # on other hosts safe too).
        app, factory = f"{__name__}:{worker_app.__name__}", True
    uvicorn.run(
        app,
        factory=factory,
        workers=workers if workers > 1 else None,
        host=BIND_HOST,
        port=settings.port,
        # uvicorn's loggers go through our handler and format (bot/logs.py), not its own.
        log_config=None,
        log_level=settings.log_level.lower(),
        access_log=False,
        timeout_graceful_shutdown=10,
    )


def worker_app() -> Starlette:
    """The ASGI app of one uvicorn worker process (BOUNDARY_HTTP_WORKERS > 1): settings from
    the environment the supervisor passed on, its own engine and metrics, no scheduler. The
    supervisor checked the bot token before spawning it."""
    from bot.logs import configure_logging
    from bot.settings import load_settings

    settings = load_settings()
    configure_logging(settings)
    runtime = Runtime.build(settings)
    return build_asgi_app(runtime, client=make_client(settings), slack_token_accepted=True)


def _serve_socket_mode(runtime: Runtime, client: WebClient, received: list[int]) -> None:
    # The built-in WebSocket client of slack_sdk: no dependency beyond slack-sdk itself.
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = runtime.settings.slack_app_token
    assert token is not None
    handler = SocketModeHandler(create_app(runtime, client=client), token.get_secret_value())
    try:
        try:
            handler.connect()  # type: ignore[no-untyped-call]
        except SlackApiError as error:
            # Only apps.connections.open raises here; a WebSocket that does not answer is
            # retried by the client in the background.
            raise SystemExit(
                "error: Socket Mode could not start: apps.connections.open answered"
                f" `{error.response.get('error')}`; SLACK_APP_TOKEN must be an app-level token"
                " (xapp-...) with the connections:write scope"
            ) from None
        except OSError as error:
            host = urlsplit(runtime.settings.slack_api_url).netloc
            raise SystemExit(
                f"error: Socket Mode could not start: cannot reach Slack at {host}"
                f" ({_reason(error)}); check SLACK_API_URL, the network and any outbound proxy"
            ) from None
        logger.info("serving Slack over Socket Mode")
        while not received:
            time.sleep(STOP_POLL_SECONDS)
    finally:
        # Closes the WebSocket and waits for envelopes being handled; bolt's lazy listeners
        # finish on its own thread pool before the interpreter exits.
        handler.close()  # type: ignore[no-untyped-call]


def _stop(scheduler: Any | None) -> None:
    if scheduler is None:
        return
    try:
        scheduler.shutdown(wait=False)
    except Exception:
        logger.warning("the scheduler did not stop cleanly", exc_info=True)
    else:
        logger.info("scheduler stopped")
