""" "Answer with a note…" opens a modal that names the identity (`u1@acme.com in az-app`): only
someone who may declare it (owner, backup owner, admin) gets it; anyone else gets the usual
refusal and no modal, whichever identity id the click carries. "Apply one lane to all
remaining…" opens only for them too."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient

from bot.authorization import Actor
from bot.identities import add_identity
from bot.integrations import change_owner, register_integration
from bot.playground.standin import APP_ID, TEAM_ID, Message, SlackStandIn
from bot.runtime import Runtime
from handlers.ids import Action, View
from handlers.review_prompt import send_review_prompt
from storage.vocabulary import Layer
from tests.conftest import ADMIN, BACKUP, NOW, OWNER, STRANGER
from tests.handlers.conftest import Slack

LABEL = "u1@acme.com in az-app"


def _prompt(runtime: Runtime, client: WebClient, standin: SlackStandIn) -> tuple[Message, int]:
    owner = Actor(OWNER)
    with runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name="az-app", layer=Layer.APPLICATION, now=NOW)
        change_owner(session, actor=owner, name="az-app", backup_owner=BACKUP, now=NOW)
        identity = add_identity(
            session, actor=owner, integration_name="az-app", id_or_email="u1@acme.com", now=NOW
        )
    send_review_prompt(client, runtime, user_id=OWNER)
    [message] = standin.messages(standin.dm_channel(OWNER))
    return message, identity.id or 0


def _note_click(
    user: str,
    identity_id: int,
    message: Message | None,
    standin: SlackStandIn,
    *,
    action: dict[str, Any] | None = None,
) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM_ID},
        "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "trigger_id": f"{secrets.randbelow(10**10)}.1.{secrets.token_hex(16)}",
        "actions": [
            action
            or {
                "action_id": Action.DECLARE_WITH_NOTE,
                "block_id": f"identity-actions:{identity_id}",
                "value": str(identity_id),
            }
        ],
    }
    if message is not None:
        payload["container"] = {"message_ts": message.ts, "channel_id": message.channel}
        payload["message"] = {"ts": message.ts, "text": message.text, "blocks": message.blocks}
        payload["response_url"] = standin.response_url()
    return urlencode({"payload": json.dumps(payload)})


def _opened(standin: SlackStandIn) -> list[dict[str, Any]]:
    views = [call.params["view"] for call in standin.calls("views.open")]
    return [json.loads(view) if isinstance(view, str) else view for view in views]


@pytest.mark.parametrize("who", [OWNER, BACKUP, ADMIN], ids=["owner", "backup", "admin"])
def test_a_steward_gets_the_note_modal_naming_the_identity(
    who: str, slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    message, identity_id = _prompt(slack_runtime, client, standin)

    assert slack.post(_note_click(who, identity_id, message, standin)).status_code == 200
    slack.settle()

    [view] = _opened(standin)
    assert view["callback_id"] == View.DECLARE_NOTE
    assert LABEL in json.dumps(view)
    assert standin.state.responses == []


def test_a_stranger_clicking_the_note_button_is_refused_and_no_modal_opens(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    message, identity_id = _prompt(slack_runtime, client, standin)

    answer = slack.post(_note_click(STRANGER, identity_id, message, standin))
    slack.settle()

    assert answer.status_code == 200
    assert _opened(standin) == []
    [refusal] = standin.state.responses
    assert "Only the owner of `az-app`" in refusal["text"]
    assert "u1@acme.com" not in json.dumps(refusal) + answer.text


def test_a_stranger_sending_any_identity_id_without_the_message_learns_nothing(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    _, identity_id = _prompt(slack_runtime, client, standin)

    answers = [
        slack.post(_note_click(STRANGER, wanted, None, standin))
        for wanted in (identity_id, identity_id + 1)
    ]
    slack.settle()

    assert [a.status_code for a in answers] == [200, 200]
    assert _opened(standin) == []
    assert "u1@acme.com" not in "".join(a.text for a in answers)


@pytest.mark.parametrize(("user", "opens"), [(OWNER, True), (ADMIN, True), (STRANGER, False)])
def test_the_apply_remaining_form_opens_only_for_those_who_may_submit_it(
    slack: Slack,
    slack_runtime: Runtime,
    client: WebClient,
    standin: SlackStandIn,
    user: str,
    opens: bool,
) -> None:
    message, identity_id = _prompt(slack_runtime, client, standin)
    apply = {"action_id": Action.APPLY_REMAINING, "block_id": "navigation", "value": "az-app"}

    answer = slack.post(_note_click(user, identity_id, message, standin, action=apply))
    slack.settle()

    assert answer.status_code == 200
    assert [v["callback_id"] for v in _opened(standin)] == ([View.APPLY_REMAINING] if opens else [])
    refusals = [r["text"] for r in standin.state.responses]
    assert len(refusals) == (0 if opens else 1)
    assert opens or "Only the owner of `az-app`" in refusals[0]
