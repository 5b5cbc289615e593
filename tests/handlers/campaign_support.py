"""Shared steps of the campaign handler tests: an integration with four identities (one of them
its owner's own), a campaign over it, slash commands, and waiting for the work after an ack."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlmodel import select

from bot.authorization import Actor
from bot.campaigns.launch import start_campaign
from bot.declarations import declare
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.runtime import Runtime
from storage.models import CampaignDecision, Declaration, SlackUser
from storage.vocabulary import Answer, Layer
from tests.conftest import ADMIN, BACKUP, NOW, OWNER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import command_body

CAMPAIGN = "q4-review"
# The identities by position in the campaign (integration, then external id).
ALICE, BOB, CAROL, OWN = 1, 2, 3, 4
OWN_EMAIL = "owner@acme.com"


def seed(runtime: Runtime, *, start: bool = True) -> None:
    """`acme` (owner OWNER, backup BACKUP): alice workforce, bob customer, carol with no lane,
    and the owner's own account (Slack knows the owner by that email)."""
    owner = Actor(OWNER)
    with runtime.unit_of_work() as session:
        register_integration(
            session, actor=owner, name="acme", layer=Layer.PLATFORM, backup_owner=BACKUP, now=NOW
        )
        lanes = {
            "alice@acme.com": Answer.WORKFORCE,
            "bob@acme.com": Answer.CUSTOMER,
            "carol@acme.com": None,
            OWN_EMAIL: Answer.WORKFORCE,
        }
        for email, lane in lanes.items():
            identity = add_identity(
                session, actor=owner, integration_name="acme", id_or_email=email, now=NOW
            )
            if lane is not None:
                declare(session, actor=owner, identity_id=identity.id or 0, answer=lane, now=NOW)
        session.add(SlackUser(user_id=OWNER, email=OWN_EMAIL, checked_at=NOW))
    if start:
        with runtime.unit_of_work() as session:
            start_campaign(
                session,
                actor=Actor(ADMIN, is_admin=True),
                name=CAMPAIGN,
                due_on=date(2026, 12, 31),
                now=NOW,
                max_sync_age=timedelta(hours=24),
            )


def command(slack: Slack, text: str, user: str) -> dict[str, Any]:
    answer = slack.post(command_body(text, user_id=user, response_url=slack.standin.response_url()))
    assert answer.status_code == 200
    return answer.json() if answer.content else {}


def wait_until(found: Callable[[], Any], timeout: float = 5.0) -> Any:
    """The work after an acknowledgement runs on bolt's threads: wait for what it leaves."""
    deadline = time.monotonic() + timeout
    while True:
        value = found()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("the work after the acknowledgement did not happen")
        time.sleep(0.02)


def responses(slack: Slack, count: int = 1) -> list[dict[str, Any]]:
    """The ephemeral answers sent through response_url, once there are `count` of them."""
    state = slack.standin.state
    return wait_until(lambda: state.responses if len(state.responses) >= count else None)  # type: ignore[no-any-return]


def decisions(runtime: Runtime) -> list[CampaignDecision]:
    with runtime.reading() as session:
        return list(session.exec(select(CampaignDecision).order_by(CampaignDecision.seq)).all())  # type: ignore[arg-type]


def declarations(runtime: Runtime) -> list[Declaration]:
    with runtime.reading() as session:
        return list(session.exec(select(Declaration)).all())
