"""The digest's buttons, driven through the real bolt App with signed requests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import select
from starlette.testclient import TestClient

from bot.app import create_app
from bot.clock import ManualClock
from bot.nudges.snooze import REVIEW_OPENED
from bot.playground.standin import Message, SlackStandIn
from bot.runtime import Runtime
from bot.server import asgi_for
from handlers.ids import Action, Block
from storage.models import AuditEvent, Snooze
from tests.handlers.conftest import Slack
from tests.nudges.conftest import TOKYO, Cycles, add_owner
from tests.support.slack_requests import block_action_body

OWNER = "U0BUTTONS"
STRANGER = "U0STRANGR"
TOKYO_0930 = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)


@pytest.fixture
def slack(nudge_runtime: Runtime, client: WebClient, standin: SlackStandIn) -> Iterator[Slack]:
    app = create_app(nudge_runtime, client=client)
    with TestClient(asgi_for(app, nudge_runtime)) as http:
        yield Slack(http, app, standin)


@pytest.fixture
def digest(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> Message:
    add_owner(nudge_runtime, standin, OWNER, integration="tokyo-int", tz=TOKYO)
    clock.set(TOKYO_0930)
    cycles.run()
    [message] = standin.messages(standin.dm_channel(OWNER))
    return message


def _click(slack: Slack, digest: Message, action: Action, user: str = OWNER) -> int:
    body = block_action_body(
        user_id=user,
        action={"action_id": action, "block_id": Block.DIGEST_ACTIONS, "value": OWNER},
        message={"type": "message", "ts": digest.ts, "text": digest.text, "blocks": digest.blocks},
        channel_id=digest.channel,
        response_url=slack.standin.response_url(),
    )
    status: int = slack.post(body).status_code
    slack.settle()
    return status


def _snoozes(runtime: Runtime) -> list[Snooze]:
    with runtime.unit_of_work() as session:
        return list(session.exec(select(Snooze)).all())


def test_snooze_a_week_records_who_and_until_and_updates_the_digest(
    slack: Slack, nudge_runtime: Runtime, standin: SlackStandIn, digest: Message
) -> None:
    assert _click(slack, digest, Action.SNOOZE_WEEK) == 200

    [row] = _snoozes(nudge_runtime)
    assert (row.owner, row.created_by, row.until) == (
        OWNER,
        OWNER,
        TOKYO_0930 + timedelta(days=7),
    )
    [updated] = standin.messages(digest.channel)
    assert updated.updates == 1
    rendered = json.dumps(updated.blocks)
    assert "Snoozed by <@U0BUTTONS> until Mon 07 Dec 09:30 (JST)" in rendered
    assert Block.DIGEST_ACTIONS not in rendered


def test_review_now_sends_the_declaration_prompt_and_counts_as_acting(
    slack: Slack, nudge_runtime: Runtime, standin: SlackStandIn, digest: Message
) -> None:
    assert _click(slack, digest, Action.REVIEW_NOW) == 200

    with nudge_runtime.unit_of_work() as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == REVIEW_OPENED)).all()
    assert event.actor == OWNER
    messages = standin.messages(digest.channel)
    assert len(messages) == 2  # the digest, updated, and the declaration prompt
    assert "asked for the review" in json.dumps(messages[0].blocks)
    assert "dev@corp.com" in json.dumps(messages[1].blocks)


def test_someone_else_cannot_snooze_an_owners_digest(
    slack: Slack, nudge_runtime: Runtime, standin: SlackStandIn, digest: Message
) -> None:
    _click(slack, digest, Action.SNOOZE_DAY, user=STRANGER)

    assert _snoozes(nudge_runtime) == []
    [response] = standin.state.responses
    assert "This digest is for <@U0BUTTONS>" in response["text"]
    assert standin.messages(digest.channel)[0].updates == 0


def test_open_home_is_a_link_to_the_home_tab_and_is_acknowledged(
    slack: Slack, digest: Message
) -> None:
    [actions] = [b for b in digest.blocks if b.get("block_id") == Block.DIGEST_ACTIONS]
    home = actions["elements"][-1]

    assert home["url"] == "slack://app?team=T0BOUNDARY&id=A0BOUNDARY&tab=home"
    assert _click(slack, digest, Action.OPEN_HOME) == 200


def test_a_replayed_snooze_adds_no_second_snooze(
    slack: Slack, nudge_runtime: Runtime, digest: Message
) -> None:
    body = block_action_body(
        user_id=OWNER,
        action={"action_id": Action.SNOOZE_DAY, "block_id": Block.DIGEST_ACTIONS, "value": OWNER},
        message={"type": "message", "ts": digest.ts, "text": digest.text, "blocks": digest.blocks},
        channel_id=digest.channel,
        response_url=slack.standin.response_url(),
    )

    statuses = [slack.post(body).status_code for _ in range(2)]
    slack.settle()

    assert statuses == [200, 200]
    assert len(_snoozes(nudge_runtime)) == 1
