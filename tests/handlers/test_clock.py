"""Writes made through Slack carry the bot's clock (here a ManualClock), not the wall clock, so
the playground and tests see one consistent time."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.runtime import Runtime
from handlers.ids import Block, View
from storage.models import AuditEvent, Declaration, Identity, Integration, LaneRule
from tests.conftest import NOW, OWNER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import (
    command_body,
    lane_choice_body,
    selected,
    view_submission_body,
)


def _command(slack: Slack, text: str) -> None:
    body = command_body(text, user_id=OWNER, response_url=slack.standin.response_url())
    assert slack.post(body).status_code == 200


def _declared_at(runtime: Runtime) -> list[object]:
    with runtime.unit_of_work() as session:
        return [row.declared_at for row in session.exec(select(Declaration)).all()]


def test_add_and_rule_commands_stamp_the_bots_clock(slack: Slack, slack_runtime: Runtime) -> None:
    _command(slack, "register acme platform")
    _command(slack, "add acme <mailto:dana@acme.com|dana@acme.com>")
    _command(slack, "rule acme domain:acme.com workforce")
    slack.settle()

    with slack_runtime.unit_of_work() as session:
        [identity] = session.exec(select(Identity)).all()
        [rule] = session.exec(select(LaneRule)).all()
        assert (identity.first_seen_at, rule.created_at) == (NOW, NOW)
    assert _declared_at(slack_runtime) == [NOW]


def test_choosing_a_lane_in_the_prompt_stamps_the_bots_clock(
    slack: Slack, slack_runtime: Runtime
) -> None:
    _command(slack, "register acme platform")
    _command(slack, "add acme dana@acme.com")
    with slack_runtime.unit_of_work() as session:
        [identity] = session.exec(select(Identity)).all()

    slack.post(lane_choice_body(user_id=OWNER, identity_id=identity.id or 0, answer="customer"))
    slack.settle()

    assert _declared_at(slack_runtime) == [NOW]


def test_applying_one_lane_to_all_remaining_stamps_the_bots_clock(
    slack: Slack, slack_runtime: Runtime
) -> None:
    _command(slack, "register acme platform")
    _command(slack, "add acme dana@acme.com")
    _command(slack, "add acme lee@acme.com")

    slack.post(
        view_submission_body(
            user_id=OWNER,
            view={
                "type": "modal",
                "callback_id": View.APPLY_REMAINING,
                "private_metadata": json.dumps({"integration": "acme"}),
                "blocks": [{"type": "input", "block_id": Block.LANE}],
            },
            values={Block.LANE: selected("workforce")},
        )
    )
    slack.settle()

    assert _declared_at(slack_runtime) == [NOW, NOW]


def test_register_and_owner_commands_stamp_the_bots_clock(
    slack: Slack, slack_runtime: Runtime
) -> None:
    _command(slack, "register acme platform")
    _command(slack, "owner acme <@U0NEWOWN1|lee>")

    with slack_runtime.unit_of_work() as session:
        [integration] = session.exec(select(Integration)).all()
        events = session.exec(select(AuditEvent)).all()
        assert (integration.owner, integration.created_at, integration.updated_at) == (
            "U0NEWOWN1",
            NOW,
            NOW,
        )
    assert [(event.action, event.at) for event in events] == [
        ("integration.registered", NOW),
        ("integration.owner_changed", NOW),
    ]
