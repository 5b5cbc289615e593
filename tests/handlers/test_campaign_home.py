"""The App Home's Campaigns section after a signed `app_home_opened`: what the viewer owes
(decided of total, due or OVERDUE, Review and, once all is decided, Sign off), every open
campaign's progress for an admin only; its buttons send the prompt and sign off."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.authorization import Actor
from bot.campaigns import review
from bot.clock import ManualClock
from bot.runtime import Runtime
from handlers.ids import Action
from storage.models import CampaignSignoff
from storage.vocabulary import Decision
from tests.conftest import ADMIN, BACKUP, NOW, OWNER, STRANGER
from tests.handlers.campaign_support import CAMPAIGN, decisions, seed, wait_until
from tests.handlers.conftest import Slack
from tests.support.slack_requests import block_action_body, event_body


@pytest.fixture(autouse=True)
def settled(slack: Slack) -> Iterator[None]:
    """Each test ends once the work after its requests is done."""
    yield
    slack.settle()


def _home(slack: Slack, user: str) -> str:
    before = len(slack.standin.calls("views.publish"))
    body = event_body({"type": "app_home_opened", "user": user, "tab": "home"})
    assert slack.post(body, json_body=True).status_code == 200
    slack.standin.wait_for("views.publish", before + 1)
    return json.dumps(slack.standin.state.home[user], ensure_ascii=False)


def _decide_all(runtime: Runtime) -> None:
    with runtime.unit_of_work() as session:
        for position in (1, 2, 4):
            review.decide(
                session,
                actor=Actor(ADMIN, is_admin=True),
                campaign_name=CAMPAIGN,
                position=position,
                decision=Decision.KEEP,
                now=NOW,
            )
        review.decide(
            session,
            actor=Actor(ADMIN, is_admin=True),
            campaign_name=CAMPAIGN,
            position=3,
            decision=Decision.REMOVE,
            reason="gone",
            now=NOW,
        )


def _click(slack: Slack, user: str, action: str) -> Any:
    body = block_action_body(
        user_id=user,
        action={
            "action_id": action,
            "block_id": "b",
            "type": "button",
            "value": f"{CAMPAIGN}:acme:0",
        },
        view={"id": "VHOME", "type": "home"},
    )
    return slack.post(body)


def test_the_owner_sees_what_they_owe_with_a_review_button(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)

    text = _home(slack, OWNER)

    assert "*Campaigns*" in text
    assert "`acme` in *q4-review*: 0/4 decided, due 2026-12-31 (31 days left)" in text
    assert Action.HOME_CAMPAIGN_REVIEW in text
    assert Action.HOME_CAMPAIGN_SIGN_OFF not in text
    assert "Every open campaign" not in text


def test_an_overdue_campaign_says_so(
    slack: Slack, slack_runtime: Runtime, clock: ManualClock
) -> None:
    seed(slack_runtime)
    clock.advance(timedelta(days=32))

    assert "*OVERDUE* (due 2026-12-31)" in _home(slack, BACKUP)


def test_an_admin_sees_every_open_campaigns_progress_and_a_stranger_nothing(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)

    admin = _home(slack, ADMIN)
    stranger = _home(slack, STRANGER)

    assert "*Every open campaign* (you are an admin)" in admin
    assert "*q4-review* — due 2026-12-31 (31 days left): 0/4 decided" in admin
    assert "No campaign waits on you" in admin
    assert "Campaigns" not in stranger


def test_the_review_button_sends_the_campaign_prompt(slack: Slack, slack_runtime: Runtime) -> None:
    seed(slack_runtime)

    assert _click(slack, OWNER, Action.HOME_CAMPAIGN_REVIEW).status_code == 200

    channel = slack.standin.dm_channel(OWNER)
    [message] = wait_until(lambda: slack.standin.messages(channel))
    assert message.text.startswith("Campaign q4-review: 4 of 4 still to decide in acme")


def test_sign_off_appears_once_all_is_decided_and_signs_off(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)
    _decide_all(slack_runtime)
    assert Action.HOME_CAMPAIGN_SIGN_OFF in _home(slack, OWNER)
    published = len(slack.standin.calls("views.publish"))

    _click(slack, OWNER, Action.HOME_CAMPAIGN_SIGN_OFF)

    slack.standin.wait_for("views.publish", published + 1)
    text = json.dumps(slack.standin.state.home[OWNER], ensure_ascii=False)
    assert "*Campaigns*" not in text  # nothing is owed any more
    with slack_runtime.reading() as session:
        [signoff] = session.exec(select(CampaignSignoff)).all()
    assert (signoff.signed_by, signoff.decided) == (OWNER, 4)
    assert len(decisions(slack_runtime)) == 4
