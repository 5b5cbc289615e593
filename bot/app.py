"""The app factory, part of the composition root (with bot/server.py): builds the bolt App,
lets every handler module register itself, and builds the Slack side of the Messenger port."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.nudges.messenger import Messenger
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.client import make_client
from handlers.messenger import SlackMessenger

logger = logging.getLogger(__name__)


class _UnusedTokenWarning(logging.Filter):
    """bolt reads SLACK_BOT_TOKEN from the environment even when it is given a client (ours,
    built from the settings with that token), then warns on every start that the token is
    unused; nothing is wrong, so the warning is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


class _ContextExecutor(ThreadPoolExecutor):
    """bolt's executor for lazy listeners, running each in a copy of the submitting request's
    context: their log lines carry that request's kind and error id (bot/request_scope.py)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)


def create_app(runtime: Runtime, *, client: WebClient | None = None) -> App:
    """One bolt App per process, configured for speed and for several replicas.

    `process_before_response=True`: the acknowledging listener runs on the request thread and
    its `ack()` body *is* the HTTP response, so quick lookups answer in one round trip; slow
    work goes to lazy listeners on bolt's thread pool. (The default mode polls for the ack and
    costs roughly a tenth of the throughput; see docs/benchmarks/slack-http.md.)
    """
    # Imported here so that importing bot.app creates nothing Slack-related.
    from handlers import errors, replays, retries, workspace
    from handlers.actions import campaign, declare, nudges
    from handlers.commands import boundary
    from handlers.context import provide_runtime
    from handlers.events import home
    from handlers.middleware import RequestMiddleware
    from handlers.views import campaign as campaign_views
    from handlers.views import declare as declare_views
    from handlers.views import register as register_view

    bolt_logger = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _UnusedTokenWarning) for f in bolt_logger.filters):
        bolt_logger.addFilter(_UnusedTokenWarning())
    settings = runtime.settings
    signing_secret = settings.slack_signing_secret
    app = App(
        client=client or make_client(settings),
        signing_secret=signing_secret.get_secret_value() if signing_secret else None,
        # One signature check, not two: over HTTP every request reaches this app only through
        # bot/server.py's asgi_for, whose edge has checked the timestamp and the signature over
        # the raw bytes (handlers/http_edge.py), stricter than bolt's check over decoded text.
        # Socket Mode requests are not signed.
        request_verification_enabled=False,
        process_before_response=True,
        # bolt's default executor, as large (5), with the request's context carried over.
        listener_executor=_ContextExecutor(max_workers=5),
        # bolt would call auth.test at construction; the first request does it instead (once),
        # so building an app never needs the network.
        token_verification_enabled=False,
    )
    errors.register(app)
    retries.register(app)
    workspace.register(app)
    # The one way a listener reaches the runtime: bolt's context (handlers/context.py).
    with_runtime = provide_runtime(runtime)
    app.use(RequestMiddleware(lambda req, next: with_runtime(req.context, next)))
    replays.register(app)
    for module in (boundary, declare, declare_views, register_view, home, nudges):
        module.register(app)
    for module in (campaign, campaign_views):
        module.register(app)
    return app


def slack_messenger(settings: Settings, *, client: WebClient | None = None) -> Messenger:
    """What the use cases and jobs send through: Slack's Web API, with the bot token."""
    return SlackMessenger(client or make_client(settings))
