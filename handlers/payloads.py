"""What a signed Slack payload must look like before bolt or a listener reads it, and what
happens to one that does not: it is acknowledged, logged once as a warning, and not acted on.

A signature proves that Slack sent a request, not that our surfaces produced it: a payload can
still lack its `type` or `user`, carry `actions: []`, name a view we never opened, or hold
private_metadata and button values we never wrote. bolt itself fails on some of these before
any listener runs (it builds every listener argument for each function middleware and for the
error handler, and `actions: []` or a view without `type` make that raise), so the shape is
checked by a class middleware, which bolt calls without building them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot import validation
from bot.errors import NotFound
from bot.metrics import RequestOutcome
from bot.request_scope import note_outcome
from handlers.ids import Action, Command, Event, View

logger = logging.getLogger(__name__)

# What the bot answers: the one command, its controls, its modals, the events it subscribes to.
_ACTIONS = frozenset(Action)
_VIEWS = frozenset(View)
_EVENTS = frozenset(Event)


class Malformed(Exception):
    """A signed payload that no surface of ours could have produced. `reason` is a fixed phrase
    of ours, never text from the payload, so the log line carries nothing the sender wrote."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def ignored(where: str, reason: str) -> BoltResponse:
    """The acknowledgement of a malformed payload, and its one log line (no body, no trace)."""
    logger.warning("ignored a malformed %s: %s", where, reason)
    note_outcome(RequestOutcome.MALFORMED)
    return BoltResponse(status=200, body="")


def kind_of(body: Mapping[str, Any]) -> str:
    """What a payload is, in words safe for a log line (one of ours, never the sender's)."""
    if "command" in body:
        return "command"
    kind = body.get("type")
    if isinstance(kind, str) and kind in _CHECKS:
        return kind
    return "payload"


# ---- readers for the parts of a payload a listener needs --------------------------------------


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: optional parts read tolerantly."""
    return value if isinstance(value, dict) else {}


def mappings(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of a list (blocks, elements), skipping anything else."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def user_id(body: Mapping[str, Any]) -> str:
    """The Slack user who acted (the middleware has checked that it is one)."""
    found = mapping(body.get("user")).get("id")
    if not isinstance(found, str) or not validation.looks_like_slack_user(found):
        raise Malformed("no Slack user")
    return found


def private_metadata(view: Mapping[str, Any]) -> dict[str, Any]:
    """What the bot wrote into a modal it opened: a JSON object, or the view is not ours."""
    try:
        found = json.loads(str(view.get("private_metadata") or ""))
    except ValueError:
        raise Malformed("private_metadata that does not parse") from None
    if not isinstance(found, dict):
        raise Malformed("private_metadata that does not parse")
    return found


def identity_id(value: Any) -> int:
    """An identity id the bot wrote into a control or a modal: a positive integer."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Malformed("an identity id that is not one")
    try:
        found = int(value)
    except ValueError:
        raise Malformed("an identity id that is not one") from None
    if found <= 0:
        raise Malformed("an identity id that is not one")
    return found


def integration_name(value: Any) -> str:
    """An integration name the bot wrote into a control or a modal: always a slug."""
    if not isinstance(value, str) or not validation.NAME_PATTERN.match(value):
        raise Malformed("an integration name that is not one")
    return value


@contextmanager
def known_identity() -> Iterator[None]:
    """Around a use case given an identity id from a payload. Identities are never deleted, so
    an id that names none was never on a control or in a modal of ours; saying "no longer
    exists" would only confirm which ids do."""
    try:
        yield
    except NotFound:
        raise Malformed("an identity that does not exist") from None


# ---- the shape every payload must have before bolt sees it ------------------------------------


def _named(value: Any, ours: Collection[str]) -> bool:
    """Whether a payload's id is one of ours; a list or an object in its place is not."""
    return isinstance(value, str) and value in ours


def _user_problem(user: Any) -> str | None:
    found = user.get("id") if isinstance(user, dict) else None
    if not isinstance(found, str) or not validation.looks_like_slack_user(found):
        return "no Slack user"
    return None


def _optional_objects(body: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        if key in body and not isinstance(body[key], dict):
            return f"a {key} that is not an object"
    url = body.get("response_url", "")
    if not isinstance(url, str) or (url and not url.startswith(("https://", "http://"))):
        return "a response_url that is not a URL"
    return None


def _command_problem(body: Mapping[str, Any]) -> str | None:
    if body.get("command") != Command.BOUNDARY:
        return "a command the bot does not serve"
    if not validation.looks_like_slack_user(str(body.get("user_id") or "")):
        return "no Slack user"
    if not isinstance(body.get("text", ""), str):
        return "command text that is not text"
    return _optional_objects(body)


def _trigger_problem(body: Mapping[str, Any]) -> str | None:
    """Slack names every click and submission with a trigger_id; the bot acts once per one
    (handlers/replays.py), so an interaction without one is not Slack's."""
    trigger = body.get("trigger_id")
    return None if isinstance(trigger, str) and trigger else "no trigger_id"


def _block_actions_problem(body: Mapping[str, Any]) -> str | None:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        return "no actions"
    if not all(isinstance(action, dict) for action in actions):
        return "an action that is not an object"
    if not _named(actions[0].get("action_id"), _ACTIONS):
        return "an action the bot never offered"
    return (
        _user_problem(body.get("user"))
        or _trigger_problem(body)
        or _optional_objects(body, "container", "message", "channel", "view")
    )


def _view_submission_problem(body: Mapping[str, Any]) -> str | None:
    view = body.get("view")
    if not isinstance(view, dict):
        return "no view"
    if not _named(view.get("callback_id"), _VIEWS):
        return "a view the bot never opened"
    if not isinstance(view.get("type"), str):
        return "a view without a type"
    if not isinstance(mapping(view.get("state")).get("values"), dict):
        return "a view without submitted values"
    if not isinstance(view.get("private_metadata", ""), str):
        return "private_metadata that does not parse"
    return _user_problem(body.get("user")) or _trigger_problem(body) or _optional_objects(body)


def _event_problem(body: Mapping[str, Any]) -> str | None:
    event = body.get("event")
    if not isinstance(event, dict) or not _named(event.get("type"), _EVENTS):
        return "an event the bot does not subscribe to"
    if "user" in event and not validation.looks_like_slack_user(str(event["user"])):
        return "no Slack user"
    return None


_CHECKS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "block_actions": _block_actions_problem,
    "view_submission": _view_submission_problem,
    "event_callback": _event_problem,
}


def problem(body: Mapping[str, Any]) -> str | None:
    """Why bolt or a listener could not act on this payload, or None when they can."""
    if "command" in body:
        return _command_problem(body)
    kind = body.get("type")
    if kind is None:
        return "no type"
    check = _CHECKS.get(kind) if isinstance(kind, str) else None
    return "a type the bot does not handle" if check is None else check(body)


class WellFormed(Middleware):
    """The first of our global middleware: a payload of the wrong shape goes no further."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        reason = problem(req.body)
        if reason is not None:
            return ignored(kind_of(req.body), reason)
        return next()
