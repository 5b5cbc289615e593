"""The one error policy: domain errors become short ephemeral answers, anything else is logged
with an error id that the user sees."""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond

from bot.errors import DomainError
from handlers.blocks.text import mention

logger = logging.getLogger(__name__)


def user_message(error: Exception, *, where: str) -> str:
    """What the person who acted sees; unexpected errors are logged here, once, with an id."""
    if isinstance(error, DomainError):
        return error.render(mention)
    error_id = uuid.uuid4().hex[:10]
    logger.error("error %s in %s", error_id, where, exc_info=error)
    return (
        f":warning: Something went wrong on our side (error id `{error_id}`)."
        " Nothing was changed by the part that failed; an admin can find the details in the"
        " bot's log under that id."
    )


def _first_input_block(body: dict[str, Any]) -> str | None:
    for block in body.get("view", {}).get("blocks", []):
        if block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def handle_error(error: Exception, body: dict[str, Any], respond: Respond | None) -> BoltResponse:
    """bolt's global error handler: the answer goes back in the acknowledgement itself."""
    kind = str(body.get("type") or ("command" if "command" in body else "event"))
    message = user_message(error, where=kind)
    if "command" in body:
        payload = {"response_type": "ephemeral", "text": message}
        return _json(payload)
    if kind == "view_submission":
        block_id = _first_input_block(body)
        if block_id is not None:
            return _json({"response_action": "errors", "errors": {block_id: message[:150]}})
    if respond is not None and body.get("response_url"):
        _respond_quietly(respond, message)
    return BoltResponse(status=200, body="")


def reported(where: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Wrap a lazy listener (work done after the acknowledgement) so that its failures reach
    the user through `respond`, under the same policy; bolt would only log them."""

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            try:
                func(*args, **kwargs)
            except Exception as error:
                message = user_message(error, where=where)
                respond = kwargs.get("respond")
                if respond is not None:
                    _respond_quietly(respond, message)

        return wrapper

    return decorate


def _respond_quietly(respond: Respond, message: str) -> None:
    try:
        respond(text=message, response_type="ephemeral", replace_original=False)
    except Exception:
        logger.warning("could not deliver an error message through response_url", exc_info=True)


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200,
        body=json.dumps(payload),
        headers={"content-type": "application/json;charset=utf-8"},
    )


def register(app: App) -> None:
    app.error(handle_error)
