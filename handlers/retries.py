"""Slack re-delivers a request it thinks failed (`X-Slack-Retry-Num`); we never act twice."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse

from bot.metrics import RequestOutcome
from bot.request_scope import note_outcome
from handlers.middleware import RequestMiddleware

logger = logging.getLogger(__name__)

RETRY_HEADER = "x-slack-retry-num"


def retry_number(request: BoltRequest) -> int:
    """0 for a first delivery. Over HTTP Slack only sends the header on retries (1, 2, 3); in
    Socket Mode every events_api envelope carries `retry_attempt`, 0 the first time, and bolt
    copies it into this header."""
    value = (request.headers.get(RETRY_HEADER) or [""])[0].strip()
    try:
        return int(value or "0")
    except ValueError:
        return 1  # unreadable, but Slack only sends it on a re-delivery: never act twice


def is_retry(request: BoltRequest) -> bool:
    return retry_number(request) > 0


def ignore_retries(req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Every listener acknowledges at once and does slow work afterwards, so a retry only means
    the first delivery was slow to arrive: acting on it again would duplicate its effects."""
    if is_retry(req):
        reason = req.headers.get("x-slack-retry-reason", ["?"])[0]
        logger.info("ignoring Slack retry %d (%s)", retry_number(req), reason)
        note_outcome(RequestOutcome.RETRY)
        return BoltResponse(status=200, body="")
    return next()


def register(app: App) -> None:
    # The HTTP edge checks the signature before bolt sees a request, so a forged "retry" still
    # gets 401.
    app.use(RequestMiddleware(ignore_retries))
