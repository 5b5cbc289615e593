"""The campaign prompt through signed requests: `/boundary campaign review` DMs the items a
reviewer may decide (never their own identity); Keep acts in place, Change… and Remove… go
through the form with a reason; a stranger's click and a forged click on one's own identity are
refused and change nothing; signing off locks the integration."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.authorization import Actor
from bot.campaigns import review
from bot.playground.standin import Message
from bot.runtime import Runtime
from handlers.blocks.campaign_prompt import positions
from handlers.ids import Action, Block, View
from storage.vocabulary import Decision
from tests.conftest import BACKUP, NOW, OWNER, STRANGER
from tests.handlers.campaign_support import (
    ALICE,
    BOB,
    CAMPAIGN,
    CAROL,
    OWN,
    command,
    decisions,
    declarations,
    responses,
    seed,
    wait_until,
)
from tests.handlers.conftest import Slack
from tests.support.slack_requests import (
    block_action_body,
    selected,
    typed,
    view_submission_body,
)


@pytest.fixture(autouse=True)
def settled(slack: Slack) -> Iterator[None]:
    """Each test ends once the work after its last click is done, before its database goes."""
    yield
    slack.settle()


def _prompt(slack: Slack, user: str = OWNER) -> Message:
    answer = command(slack, f"campaign review {CAMPAIGN}", user)
    assert "sending you the campaign prompt" in answer["text"]
    channel = slack.standin.dm_channel(user)
    [message] = wait_until(lambda: slack.standin.messages(channel))
    assert isinstance(message, Message)
    return message


def _current(slack: Slack, message: Message, updates: int) -> Message:
    """The message once the work after a click has updated it `updates` times."""
    found: Message = wait_until(
        lambda: next(
            (
                m
                for m in slack.standin.messages(message.channel)
                if m.ts == message.ts and m.updates >= updates
            ),
            None,
        )
    )
    return found


def _click(
    slack: Slack, message: Message, user: str, action: str, value: str, *, blocks: Any = None
) -> Any:
    body = block_action_body(
        user_id=user,
        action={"action_id": action, "block_id": "b", "type": "button", "value": value},
        message={
            "type": "message",
            "ts": message.ts,
            "text": message.text,
            "blocks": message.blocks if blocks is None else blocks,
        },
        channel_id=message.channel,
        response_url=slack.standin.response_url(),
    )
    answer = slack.post(body)
    assert answer.status_code == 200
    return answer


def _item(position: int) -> str:
    return f"{CAMPAIGN}:{position}"


def _text(message: Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def _submit(slack: Slack, user: str, values: dict[str, Any]) -> Any:
    [opened] = slack.standin.wait_for("views.open")
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == View.CAMPAIGN_DECIDE
    return slack.post(view_submission_body(user_id=user, view=view, values=values))


def test_the_prompt_offers_what_the_reviewer_decides_but_never_their_own_identity(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)

    message = _prompt(slack)

    assert positions(message.blocks) == [ALICE, BOB, CAROL]
    text = _text(message)
    assert "Keep every remaining lane" in text
    assert "Sign off" not in text
    # Carol has no lane to keep: only Change… and Remove… are offered for her.
    [carol] = [b for b in message.blocks if b.get("block_id") == f"{Block.CAMPAIGN_ITEM_ACTIONS}:3"]
    assert [e["action_id"] for e in carol["elements"]] == [
        Action.CAMPAIGN_CHANGE,
        Action.CAMPAIGN_REMOVE,
    ]


def test_the_backup_owner_is_offered_the_owners_own_identity(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)

    assert positions(_prompt(slack, BACKUP).blocks) == [ALICE, BOB, CAROL, OWN]


def test_keep_records_the_decision_and_updates_the_message_in_place(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)
    message = _prompt(slack)

    _click(slack, message, OWNER, Action.CAMPAIGN_KEEP, _item(ALICE))

    [decision] = decisions(slack_runtime)
    assert (str(decision.decision), str(decision.lane), decision.decided_by) == (
        "keep",
        "workforce",
        OWNER,
    )
    updated = _current(slack, message, 1)
    assert f"kept → `workforce` by <@{OWNER}> on 2026-11-30" in _text(updated)
    assert "3 of 4 still to decide" in _text(updated)


def test_change_goes_through_the_form_and_records_the_new_lane_and_reason(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)
    message = _prompt(slack)

    _click(slack, message, OWNER, Action.CAMPAIGN_CHANGE, _item(BOB))
    answer = _submit(
        slack,
        OWNER,
        {Block.LANE: selected("workforce"), Block.REASON: typed("<@U0ALL> is staff now")},
    )

    assert answer.status_code == 200
    [decision] = decisions(slack_runtime)
    assert (str(decision.decision), str(decision.previous), str(decision.lane)) == (
        "change",
        "customer",
        "workforce",
    )
    assert decision.reason == "<@U0ALL> is staff now"
    updated = _current(slack, message, 1)
    assert "changed → `workforce`" in _text(updated)
    # The reason is shown as text: no mention, no link.
    assert "&lt;@U0ALL&gt; is staff now" in _text(updated)


def test_a_change_without_a_reason_is_refused_on_the_form(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)
    message = _prompt(slack)

    _click(slack, message, OWNER, Action.CAMPAIGN_CHANGE, _item(BOB))
    answer = _submit(slack, OWNER, {Block.LANE: selected("workforce"), Block.REASON: typed(None)})

    assert answer.json()["response_action"] == "errors"
    assert "needs a reason" in json.dumps(answer.json())
    assert decisions(slack_runtime) == []


def test_remove_goes_through_the_form_with_its_reason(slack: Slack, slack_runtime: Runtime) -> None:
    seed(slack_runtime)
    message = _prompt(slack)

    _click(slack, message, OWNER, Action.CAMPAIGN_REMOVE, _item(CAROL))
    _submit(slack, OWNER, {Block.REASON: typed("contractor left in October")})

    [decision] = decisions(slack_runtime)
    assert (str(decision.decision), str(decision.lane), decision.reason) == (
        "remove",
        "remove",
        "contractor left in October",
    )
    assert "removed → `remove`" in _text(_current(slack, message, 1))


def test_a_strangers_click_is_refused_ephemerally_and_changes_nothing(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)
    message = _prompt(slack)
    before = len(declarations(slack_runtime))

    _click(slack, message, STRANGER, Action.CAMPAIGN_KEEP, _item(ALICE))
    _click(slack, message, STRANGER, Action.CAMPAIGN_REMOVE, _item(ALICE))

    first, second = responses(slack, 2)
    assert "Only the owner of `acme`" in first["text"]
    assert "Only the owner of `acme`" in second["text"]
    assert decisions(slack_runtime) == []
    assert len(declarations(slack_runtime)) == before
    assert slack.standin.calls("views.open") == []
    assert slack.standin.messages(message.channel)[0].updates == 0


def test_a_forged_click_on_ones_own_identity_is_refused(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)
    message = _prompt(slack)
    forged = [*message.blocks, {"type": "section", "block_id": f"{Block.CAMPAIGN_ITEM}:{OWN}"}]

    _click(slack, message, OWNER, Action.CAMPAIGN_KEEP, _item(OWN), blocks=forged)
    _click(slack, message, OWNER, Action.CAMPAIGN_CHANGE, _item(OWN), blocks=forged)

    first, second = responses(slack, 2)
    assert "Nobody decides their own identity" in first["text"]
    assert "Nobody decides their own identity" in second["text"]
    assert decisions(slack_runtime) == []
    assert slack.standin.calls("views.open") == []


def test_an_item_the_message_does_not_show_is_ignored(slack: Slack, slack_runtime: Runtime) -> None:
    seed(slack_runtime)
    message = _prompt(slack)

    _click(slack, message, OWNER, Action.CAMPAIGN_KEEP, _item(OWN))

    assert decisions(slack_runtime) == []
    assert slack.standin.state.responses == []


def test_keep_the_rest_then_sign_off_locks_the_integration(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)
    message = _prompt(slack)
    scope = f"{CAMPAIGN}:acme:0"

    _click(slack, message, OWNER, Action.CAMPAIGN_KEEP_REST, scope)
    assert len(decisions(slack_runtime)) == 2  # alice and bob; carol has no lane, own is not his
    _current(slack, message, 1)
    with slack_runtime.unit_of_work() as session:  # the owner's own account: his backup's call
        review.decide(
            session,
            actor=Actor(BACKUP),
            campaign_name=CAMPAIGN,
            position=OWN,
            decision=Decision.KEEP,
            now=NOW,
        )
    _click(slack, message, OWNER, Action.CAMPAIGN_REMOVE, _item(CAROL))
    _submit(slack, OWNER, {Block.REASON: typed("left")})
    ready = _current(slack, message, 2)
    assert "Sign off acme" in _text(ready)

    _click(slack, ready, OWNER, Action.CAMPAIGN_SIGN_OFF, scope)

    locked = _current(slack, message, 3)
    assert f"signed off by <@{OWNER}>" in _text(locked)
    assert "Sign off acme" not in _text(locked)
    _click(slack, message, OWNER, Action.CAMPAIGN_KEEP, _item(ALICE))
    [refusal] = responses(slack)
    assert "signed off in campaign `q4-review`: its decisions are locked" in refusal["text"]
    assert len(decisions(slack_runtime)) == 4
