"""The declaration prompt DM: one message per integration, a page at a time, within limits."""

from __future__ import annotations

import json

import pytest
from slack_sdk import WebClient

from bot.authorization import Actor
from bot.declarations import declare
from bot.errors import NotAllowed
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from handlers.blocks.prompt import identity_ids
from handlers.ids import Action
from handlers.review_prompt import send_review_prompt
from storage.vocabulary import Answer, Layer
from tests.conftest import NOW, OWNER, STRANGER

pytestmark = pytest.mark.usefixtures("standin")


def _integration_with(runtime: Runtime, count: int, name: str = "openai-platform") -> list[int]:
    owner = Actor(OWNER)
    with runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name=name, layer=Layer.PLATFORM, now=NOW)
        return [
            add_identity(
                session, actor=owner, integration_name=name, id_or_email=f"dev{n}@corp.com", now=NOW
            ).id
            or 0
            for n in range(count)
        ]


def test_prompt_is_a_dm_with_one_page_of_undeclared_identities(
    runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    ids = _integration_with(runtime, 23)

    send_review_prompt(client, runtime, user_id=OWNER)

    [message] = standin.messages(standin.dm_channel(OWNER))
    assert identity_ids(message.blocks) == ids[:10]
    assert len(message.blocks) <= 50
    assert "23 identities wait for a lane in openai-platform" in message.text
    actions = [
        e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert Action.PAGE in actions


def test_prompt_skips_declared_identities(
    runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    ids = _integration_with(runtime, 3)
    with runtime.unit_of_work() as session:
        declare(session, actor=Actor(OWNER), identity_id=ids[0], answer=Answer.WORKFORCE, now=NOW)

    send_review_prompt(client, runtime, user_id=OWNER, integration="openai-platform")

    [message] = standin.messages(standin.dm_channel(OWNER))
    assert identity_ids(message.blocks) == ids[1:]


def test_prompt_with_nothing_to_declare_says_so(
    runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    send_review_prompt(client, runtime, user_id=OWNER)

    [message] = standin.messages(standin.dm_channel(OWNER))
    assert message.text.startswith("Nothing to declare")


def test_prompt_for_someone_elses_integration_is_refused(
    runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    _integration_with(runtime, 1)

    with pytest.raises(NotAllowed):
        send_review_prompt(client, runtime, user_id=STRANGER, integration="openai-platform")

    assert standin.calls("chat.postMessage") == []


def test_prompt_labels_fit_slack_limits(
    runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    owner = Actor(OWNER)
    with runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name="acme", layer=Layer.APPLICATION, now=NOW)
        add_identity(
            session,
            actor=owner,
            integration_name="acme",
            id_or_email="ключ-" + "x" * 250,
            display_name="Zoë <@U0HACKER> " + "名" * 300,
            now=NOW,
        )

    send_review_prompt(client, runtime, user_id=OWNER)

    [message] = standin.messages(standin.dm_channel(OWNER))
    text = json.dumps(message.blocks, ensure_ascii=False)
    assert "<@U0HACKER>" not in text
    assert "&lt;@U0HACKER&gt;" in text
