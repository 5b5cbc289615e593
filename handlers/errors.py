"""The one error policy: a malformed payload is acknowledged and logged once as a warning, a
domain error becomes a short ephemeral answer (the text it quotes escaped for Slack), anything
else is logged with an error id that the user sees."""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk.errors import SlackApiError

from bot.errors import DomainError, InvalidInput
from bot.metrics import RequestOutcome
from bot.request_scope import note_error, note_outcome
from handlers.blocks.text import escape, mention
from handlers.payloads import Malformed, WellFormed, ignored, kind_of, mappings

logger = logging.getLogger(__name__)

# Slack's answers when a payload named a message, modal or trigger that is not there (or no
# longer): the request was not Slack's as sent, or came too late. Not a fault of ours to page
# anyone about; any other Web API error is.
GONE = frozenset(
    {
        "message_not_found",
        "channel_not_found",
        "cant_update_message",
        "invalid_trigger_id",
        "expired_trigger_id",
        "trigger_exchanged",
        "not_found",
        "user_not_found",
    }
)


class SlackAnswer(InvalidInput):
    """Input a handler refuses with an answer it wrote for Slack itself (mrkdwn, any user text
    in it already escaped); shown as it is. A domain error's message is plain text instead."""


def slack_text(error: DomainError) -> str:
    """A domain error as Slack shows it: the message is plain text that may quote what someone
    typed, so it is escaped; the people it names become mentions."""
    if isinstance(error, SlackAnswer):
        return error.render(mention)
    text = escape(error.message)
    if not error.people:
        return text
    return text.format_map({key: mention(uid) for key, uid in error.people.items()})


def user_message(error: Exception, *, where: str) -> str:
    """What the person who acted sees; unexpected errors are logged here, once, with an id."""
    if isinstance(error, DomainError):
        note_outcome(RequestOutcome.REJECTED)
        return slack_text(error)
    gone = _gone(error)
    if gone is not None:
        note_outcome(RequestOutcome.REJECTED)
        logger.warning("Slack answered %s in %s", gone, where)
        return f"Slack could not find what this came from (`{gone}`); try again from a new message."
    error_id = uuid.uuid4().hex[:10]
    # On the request's scope too, so the request's later lines (and its metrics) carry it.
    note_error(error_id)
    logger.error("error %s in %s", error_id, where, exc_info=error, extra={"error_id": error_id})
    return (
        f":warning: Something went wrong on our side (error id `{error_id}`)."
        " Nothing was changed by the part that failed; an admin can find the details in the"
        " bot's log under that id."
    )


def _gone(error: Exception) -> str | None:
    if not isinstance(error, SlackApiError):
        return None
    answer = error.response.get("error")
    return answer if isinstance(answer, str) and answer in GONE else None


def _first_input_block(body: dict[str, Any]) -> str | None:
    view = body.get("view")
    for block in mappings(view.get("blocks") if isinstance(view, dict) else None):
        if block.get("type") == "input" and isinstance(block.get("block_id"), str):
            return str(block["block_id"])
    return None


def handle_error(error: Exception, body: dict[str, Any], respond: Respond | None) -> BoltResponse:
    """bolt's global error handler: the answer goes back in the acknowledgement itself."""
    kind = kind_of(body)
    if isinstance(error, Malformed):
        return ignored(kind, error.reason)
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
            except Malformed as error:
                ignored(where, error.reason)
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
    """The policy, for every request: first of our middleware, the payload's shape (bolt runs
    its own before it; the signature was checked at the HTTP edge); then bolt's global error
    handler."""
    app.use(WellFormed())
    app.error(handle_error)
