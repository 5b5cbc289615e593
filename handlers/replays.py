"""A signed interaction acts at most once: Slack's trigger_id names each click, selection and
form submission, and a request that repeats one (a replay inside the signature's five-minute
window) is acknowledged and ignored."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.interactions import first_time
from bot.metrics import RequestOutcome
from bot.request_scope import note_outcome
from handlers.context import runtime_of
from handlers.middleware import RequestMiddleware

logger = logging.getLogger(__name__)

# The interactions that change something when acted on; each carries a trigger_id.
ONCE = frozenset({"block_actions", "view_submission"})


def interaction_key(body: dict[str, Any]) -> str | None:
    kind, trigger = body.get("type"), body.get("trigger_id")
    if kind not in ONCE or not isinstance(trigger, str) or not trigger:
        return None
    return f"{kind}:{trigger}"


def act_once(req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
    body, context = req.body, req.context
    key = interaction_key(body)
    if key is not None and not first_time(runtime_of(context), key=key):
        logger.warning("ignored a replayed %s (trigger %s)", body.get("type"), key.split(":")[1])
        note_outcome(RequestOutcome.REPLAYED)
        return BoltResponse(status=200, body="")
    return next()


def register(app: App) -> None:
    # After the runtime middleware (it reads the runtime from the context).
    app.use(RequestMiddleware(act_once))
