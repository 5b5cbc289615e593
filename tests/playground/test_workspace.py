"""What each playground user sees, built from what the bot sent to the stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient

from bot.clock import ManualClock
from bot.playground.seed import ADMIN, BYSTANDER, CHANNEL_ID, OWNER
from bot.playground.standin import PlaygroundStandIn
from bot.playground.workspace import ResponseTarget, Workspace, with_ids
from tests.conftest import NOW

TOKEN = "xoxb-workspace-test"
BUTTON = {
    "type": "actions",
    "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Go"}, "value": "1"}],
}


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    standin = PlaygroundStandIn(token=TOKEN, clock=ManualClock(NOW))
    with standin:
        yield Workspace(standin)


@pytest.fixture
def bot(workspace: Workspace) -> WebClient:
    """The bot's side: a Web API client on the stand-in, as the real bot has."""
    return WebClient(token=TOKEN, base_url=workspace.standin.api_url)


def _texts(messages: list[dict[str, Any]]) -> list[str]:
    return [message["text"] for message in messages]


def test_ephemeral_answer_is_seen_only_by_the_user_who_asked(workspace: Workspace) -> None:
    target = ResponseTarget(OWNER.user_id, CHANNEL_ID, None, local=False)

    workspace.answer_from_bot(target, {"text": "only for Omar", "response_type": "ephemeral"})

    owner_sees = workspace.snapshot(OWNER.user_id)["channel"]["messages"]
    assert _texts(owner_sees) == ["only for Omar"]
    assert owner_sees[0]["ephemeral"] is True
    assert workspace.snapshot(BYSTANDER.user_id)["channel"]["messages"] == []


def test_in_channel_answer_is_seen_by_everyone(workspace: Workspace) -> None:
    target = ResponseTarget(OWNER.user_id, CHANNEL_ID, None, local=False)

    workspace.answer_from_bot(target, {"text": "for all", "response_type": "in_channel"})

    assert _texts(workspace.snapshot(BYSTANDER.user_id)["channel"]["messages"]) == ["for all"]


def test_replace_original_through_response_url_rewrites_the_dm_in_place(
    workspace: Workspace, bot: WebClient
) -> None:
    posted = bot.chat_postMessage(channel=OWNER.user_id, text="prompt", blocks=[BUTTON])
    url = workspace.response_url(
        ResponseTarget(OWNER.user_id, posted["channel"], posted["ts"], local=False)
    )

    httpx.post(url, json={"replace_original": True, "text": "recorded", "blocks": []})

    (message,) = workspace.snapshot(OWNER.user_id)["dm"]["messages"]
    assert (message["ts"], message["text"], message["edited"]) == (posted["ts"], "recorded", True)


def test_chat_update_after_a_replacement_wins(workspace: Workspace, bot: WebClient) -> None:
    posted = bot.chat_postMessage(channel=OWNER.user_id, text="prompt", blocks=[BUTTON])
    url = workspace.response_url(
        ResponseTarget(OWNER.user_id, posted["channel"], posted["ts"], local=False)
    )
    httpx.post(url, json={"replace_original": "true", "text": "replaced"})
    workspace.snapshot(OWNER.user_id)

    bot.chat_update(channel=posted["channel"], ts=posted["ts"], text="updated", blocks=[])

    assert _texts(workspace.snapshot(OWNER.user_id)["dm"]["messages"]) == ["updated"]


def test_delete_original_removes_an_ephemeral(workspace: Workspace) -> None:
    asked = ResponseTarget(OWNER.user_id, CHANNEL_ID, None, local=False)
    workspace.answer_from_bot(asked, {"text": "with a button", "blocks": [BUTTON]})
    (ephemeral,) = workspace.snapshot(OWNER.user_id)["channel"]["messages"]
    url = workspace.response_url(
        ResponseTarget(OWNER.user_id, CHANNEL_ID, ephemeral["ts"], local=True)
    )

    httpx.post(url, json={"delete_original": True})

    assert workspace.snapshot(OWNER.user_id)["channel"]["messages"] == []


def test_modal_opens_for_the_user_whose_interaction_made_the_trigger(
    workspace: Workspace, bot: WebClient
) -> None:
    trigger = workspace.trigger_for(ADMIN.user_id)
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Form"}, "blocks": []}

    bot.views_open(trigger_id=trigger, view=view)

    modal = workspace.snapshot(ADMIN.user_id)["modal"]
    assert modal is not None
    assert modal["view"]["title"]["text"] == "Form"
    assert workspace.snapshot(OWNER.user_id)["modal"] is None


def test_submission_answered_with_errors_keeps_the_modal_open_and_shows_them(
    workspace: Workspace, bot: WebClient
) -> None:
    trigger = workspace.trigger_for(ADMIN.user_id)
    view_id = bot.views_open(trigger_id=trigger, view={"type": "modal", "blocks": []})["view"]["id"]

    workspace.modal_result(
        ADMIN.user_id, view_id, {"response_action": "errors", "errors": {"name": "taken"}}
    )

    assert workspace.snapshot(ADMIN.user_id)["modal"]["errors"] == {"name": "taken"}


def test_empty_acknowledgement_of_a_submission_closes_the_modal(
    workspace: Workspace, bot: WebClient
) -> None:
    trigger = workspace.trigger_for(ADMIN.user_id)
    view_id = bot.views_open(trigger_id=trigger, view={"type": "modal", "blocks": []})["view"]["id"]

    workspace.modal_result(ADMIN.user_id, view_id, {})

    assert workspace.snapshot(ADMIN.user_id)["modal"] is None


def test_blocks_without_ids_get_the_ids_slack_would_fill_in() -> None:
    (filled,) = with_ids([BUTTON])

    assert filled["block_id"]
    assert filled["elements"][0]["action_id"]
