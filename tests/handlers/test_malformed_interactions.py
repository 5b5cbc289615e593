"""Signed but malformed interaction payloads (no `type`, `actions: []`, no `user`, a view the
bot never opened, private_metadata that does not parse, identity ids the bot never showed) are
acknowledged with 200, logged once as a warning without the body or a stack trace, and change
nothing: no declaration, no message, no modal, no answer."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.authorization import Actor
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.playground.standin import APP_ID, TEAM_ID, Message, SlackStandIn
from bot.runtime import Runtime
from handlers.ids import Action, Block, View
from handlers.review_prompt import send_review_prompt
from storage.models import Declaration, Identity, Integration
from storage.vocabulary import Layer
from tests.conftest import NOW, OWNER
from tests.handlers.conftest import Slack

# Put into every payload: it must never reach a log line.
MARKER = "BODY-MARKER-7f3a"
# What the bot does when it acts; auth.test is bolt checking the token, not acting.
ACTING = ("chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.publish")


def _trigger() -> str:
    return f"{secrets.randbelow(10**10)}.738474920.{secrets.token_hex(16)}"


def _body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def _interaction(kind: str | None, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "team": {"id": TEAM_ID, "domain": MARKER},
        "user": {"id": OWNER, "username": MARKER, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": _trigger(),
        **fields,
    }
    if kind is not None:
        payload["type"] = kind
    return payload


def _without(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != key}


def _message_fields(message: Message, standin: SlackStandIn) -> dict[str, Any]:
    return {
        "container": {"type": "message", "message_ts": message.ts, "channel_id": message.channel},
        "channel": {"id": message.channel},
        "message": {
            "type": "message",
            "ts": message.ts,
            "text": message.text,
            "blocks": message.blocks,
        },
        "response_url": standin.response_url(),
    }


def _choice(identity_id: int, message: Message | None, standin: SlackStandIn) -> dict[str, Any]:
    action = {
        "action_id": Action.DECLARE,
        "block_id": f"{Block.IDENTITY_ACTIONS}:{identity_id}",
        "type": "static_select",
        "selected_option": {"value": f"{identity_id}:workforce", "text": MARKER},
        "action_ts": "1.2",
    }
    fields = {} if message is None else _message_fields(message, standin)
    return _interaction("block_actions", actions=[action], **fields)


def _note_button(identity_id: int) -> dict[str, Any]:
    action = {"action_id": Action.DECLARE_WITH_NOTE, "block_id": MARKER, "value": str(identity_id)}
    return _interaction("block_actions", actions=[action])


def _note_view(metadata: str, **view: Any) -> dict[str, Any]:
    return {
        "id": "V0MODAL",
        "type": "modal",
        "callback_id": View.DECLARE_NOTE,
        "private_metadata": metadata,
        "blocks": [{"type": "input", "block_id": Block.LANE}],
        "state": {
            "values": {
                Block.LANE: {"value": {"selected_option": {"value": "workforce"}}},
                Block.NOTE: {"value": {"type": "plain_text_input", "value": MARKER}},
            }
        },
        **view,
    }


class Setup:
    """Two integrations of one owner; the prompt DM shows only acme's identities."""

    def __init__(self, runtime: Runtime, client: WebClient, standin: SlackStandIn) -> None:
        owner = Actor(OWNER)
        with runtime.unit_of_work() as session:
            for name in ("acme", "other"):
                register_integration(session, actor=owner, name=name, layer=Layer.PLATFORM, now=NOW)
            add_identity(
                session, actor=owner, integration_name="acme", id_or_email="u1@acme.com", now=NOW
            )
            foreign = add_identity(
                session, actor=owner, integration_name="other", id_or_email="x@other.io", now=NOW
            )
            self.foreign_id = foreign.id or 0
        send_review_prompt(client, runtime, user_id=OWNER, integration="acme")
        [self.message] = standin.messages(standin.dm_channel(OWNER))
        self.shown_id = int(self.message.blocks[3]["block_id"].split(":")[1])
        self.unknown_id = 9_999


Case = Callable[[Setup, SlackStandIn], dict[str, Any]]

CASES: dict[str, Case] = {
    "a view submission without a type": lambda s, _: _without(
        _interaction("view_submission", view=_note_view(json.dumps({"identity": s.shown_id}))),
        "type",
    ),
    "a block action with no actions": lambda s, standin: _interaction(
        "block_actions", actions=[], **_message_fields(s.message, standin)
    ),
    "a block action without a user": lambda s, standin: _without(
        _choice(s.shown_id, s.message, standin), "user"
    ),
    "a view submission without a user": lambda s, _: _without(
        _interaction("view_submission", view=_note_view(json.dumps({"identity": s.shown_id}))),
        "user",
    ),
    "a view the bot never opened": lambda s, _: _interaction(
        "view_submission", view=_note_view("{}", callback_id="someone.elses.view")
    ),
    "private_metadata that does not parse": lambda s, _: _interaction(
        "view_submission", view=_note_view("{" + MARKER)
    ),
    "private_metadata that is not an object": lambda s, _: _interaction(
        "view_submission", view=_note_view(json.dumps([s.shown_id]))
    ),
    "a note for an identity that does not exist": lambda s, _: _interaction(
        "view_submission", view=_note_view(json.dumps({"identity": s.unknown_id}))
    ),
    "another integration's identity on the prompt": lambda s, standin: _choice(
        s.foreign_id, s.message, standin
    ),
    "an unknown identity on the prompt": lambda s, standin: _choice(
        s.unknown_id, s.message, standin
    ),
    "an unknown identity without a message": lambda s, standin: _choice(
        s.unknown_id, None, standin
    ),
    "the note button with an unknown identity": lambda s, _: _note_button(s.unknown_id),
    "a button naming no integration": lambda s, _: _interaction(
        "block_actions", actions=[{"action_id": Action.APPLY_REMAINING, "value": "<!channel>"}]
    ),
    "a page the bot never offered": lambda s, standin: _interaction(
        "block_actions",
        actions=[{"action_id": Action.PAGE, "value": MARKER}],
        **_message_fields(s.message, standin),
    ),
}


def _ours(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("bot", "handlers", "slack_"))]


@pytest.mark.parametrize("case", list(CASES))
def test_a_malformed_interaction_is_acknowledged_logged_once_and_changes_nothing(
    case: str,
    slack: Slack,
    slack_runtime: Runtime,
    client: WebClient,
    standin: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    setup = Setup(slack_runtime, client, standin)
    acted_before = len([c for c in standin.calls() if c.method in ACTING])
    caplog.set_level(logging.DEBUG)

    answer = slack.post(_body(CASES[case](setup, standin)))
    slack.settle()

    assert (answer.status_code, answer.text) == (200, "")
    assert [(r.levelname, r.exc_info) for r in _ours(caplog) if r.levelno >= logging.WARNING] == [
        ("WARNING", None)
    ]
    assert MARKER not in caplog.text
    with slack_runtime.unit_of_work() as session:
        assert session.exec(select(Declaration)).all() == []
        assert len(session.exec(select(Integration)).all()) == 2
        assert len(session.exec(select(Identity)).all()) == 2
    assert len([c for c in standin.calls() if c.method in ACTING]) == acted_before
    assert standin.state.responses == []
    assert setup.message.updates == 0


def test_a_well_formed_choice_on_the_same_prompt_is_still_recorded(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    setup = Setup(slack_runtime, client, standin)

    answer = slack.post(_body(_choice(setup.shown_id, setup.message, standin)))
    slack.settle()

    assert answer.status_code == 200
    with slack_runtime.unit_of_work() as session:
        [declaration] = session.exec(select(Declaration)).all()
    assert (declaration.identity_id, declaration.answer) == (setup.shown_id, "workforce")
