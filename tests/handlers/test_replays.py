"""A signed interaction acts at most once: re-posting a lane choice inside the signature's
window records one declaration, replaying an older click after a newer one does not revert the
lane, and a replayed snooze adds no second snooze (the same bodies, re-signed, are new clicks)."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlmodel import select

from bot.authorization import Actor
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from handlers.blocks.prompt import identity_ids
from handlers.review_prompt import send_review_prompt
from storage.models import Declaration
from storage.vocabulary import Answer, Layer
from tests.conftest import NOW, OWNER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import lane_choice_body


def _identity(runtime: Runtime, client: WebClient, standin: SlackStandIn) -> int:
    owner = Actor(OWNER)
    with runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name="acme", layer=Layer.PLATFORM, now=NOW)
        add_identity(session, actor=owner, integration_name="acme", id_or_email="u@a.io", now=NOW)
    send_review_prompt(client, runtime, user_id=OWNER)
    [message] = standin.messages(standin.dm_channel(OWNER))
    [identity_id] = identity_ids(message.blocks)
    return identity_id


def _lanes(runtime: Runtime) -> list[str]:
    with runtime.unit_of_work() as session:
        rows = session.exec(select(Declaration).order_by(Declaration.seq)).all()
    return [str(row.answer) for row in rows]


def test_a_re_posted_lane_choice_records_one_declaration(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    identity_id = _identity(slack_runtime, client, standin)
    body = lane_choice_body(user_id=OWNER, identity_id=identity_id, answer="customer")

    first, again = slack.post(body), slack.post(body)

    assert (first.status_code, again.status_code) == (200, 200)
    assert _lanes(slack_runtime) == ["customer"]


def test_replaying_an_older_click_after_a_newer_one_does_not_revert_the_lane(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    identity_id = _identity(slack_runtime, client, standin)
    older = lane_choice_body(user_id=OWNER, identity_id=identity_id, answer="customer")
    newer = lane_choice_body(user_id=OWNER, identity_id=identity_id, answer="workforce")

    for body in (older, newer, older):
        assert slack.post(body).status_code == 200

    assert _lanes(slack_runtime) == [Answer.CUSTOMER, Answer.WORKFORCE]


def test_the_same_choice_clicked_twice_is_two_clicks(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    """Two real clicks carry two trigger_ids: both count (the second refreshes the lane)."""
    identity_id = _identity(slack_runtime, client, standin)

    for _ in range(2):
        slack.post(lane_choice_body(user_id=OWNER, identity_id=identity_id, answer="customer"))

    assert _lanes(slack_runtime) == ["customer", "customer"]
