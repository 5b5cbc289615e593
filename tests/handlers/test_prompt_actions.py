"""The declaration prompt's controls, the App Home, and what the HTTP surface refuses."""

from __future__ import annotations

import json
import time

from slack_sdk import WebClient
from sqlmodel import select

from bot.authorization import Actor
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.playground.standin import Message, SlackStandIn
from bot.runtime import Runtime
from handlers.blocks.prompt import identity_ids
from handlers.ids import Action, View
from handlers.review_prompt import send_review_prompt
from storage.engine import make_engine
from storage.models import Declaration, Integration
from storage.vocabulary import Layer
from tests.conftest import NOW, OWNER, STRANGER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import (
    block_action_body,
    command_body,
    event_body,
    selected,
    signed_headers,
    typed,
    view_submission_body,
)


def _prompt(runtime: Runtime, client: WebClient, standin: SlackStandIn, count: int = 3) -> Message:
    owner = Actor(OWNER)
    with runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name="acme", layer=Layer.PLATFORM, now=NOW)
        for n in range(count):
            add_identity(
                session, actor=owner, integration_name="acme", id_or_email=f"u{n}@acme.com", now=NOW
            )
    send_review_prompt(client, runtime, user_id=OWNER)
    [message] = standin.messages(standin.dm_channel(OWNER))
    return message


def _message_json(message: Message) -> dict:  # type: ignore[type-arg]
    return {"type": "message", "ts": message.ts, "text": message.text, "blocks": message.blocks}


def _select(message: Message, user: str, value: str, slack: Slack):  # type: ignore[no-untyped-def]
    return slack.post(
        block_action_body(
            user_id=user,
            action={
                "action_id": Action.DECLARE,
                "block_id": "identity-actions:1",
                "type": "static_select",
                "selected_option": {"value": value},
            },
            message=_message_json(message),
            channel_id=message.channel,
            response_url=slack.standin.response_url(),
        )
    )


def _declarations(runtime: Runtime) -> list[Declaration]:
    with runtime.unit_of_work() as session:
        return list(session.exec(select(Declaration)).all())


def test_choosing_a_lane_records_it_and_updates_the_message_in_place(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    message = _prompt(slack_runtime, client, standin)
    first = message.blocks[3]["block_id"].split(":")[1]

    assert _select(message, OWNER, f"{first}:workforce", slack).status_code == 200

    [declaration] = _declarations(slack_runtime)
    assert (declaration.identity_id, declaration.answer) == (int(first), "workforce")
    slack.settle()
    [updated] = standin.messages(message.channel)
    assert updated.updates == 1
    assert f"`workforce` recorded by <@{OWNER}>" in json.dumps(updated.blocks)
    assert "2 still to declare" in json.dumps(updated.blocks)
    assert OWNER in standin.state.home


def test_a_stranger_choosing_a_lane_is_refused_ephemerally(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    message = _prompt(slack_runtime, client, standin)
    first = message.blocks[3]["block_id"].split(":")[1]

    _select(message, STRANGER, f"{first}:customer", slack)

    slack.settle()
    assert _declarations(slack_runtime) == []
    [response] = standin.state.responses
    assert "Only the owner of `acme`" in response["text"]
    assert standin.messages(message.channel)[0].updates == 0


def test_an_unexpected_failure_shows_an_error_id_and_logs_it(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn, caplog
) -> None:  # type: ignore[no-untyped-def]
    message = _prompt(slack_runtime, client, standin)
    standin.fail("views.open", error="internal_error")

    slack.post(_note_click(message, standin))
    slack.settle()

    [response] = standin.state.responses
    error_id = response["text"].split("error id `")[1].split("`")[0]
    assert any(error_id in record.getMessage() for record in caplog.records)


def test_a_modal_slack_no_longer_opens_gets_a_short_answer_and_a_warning(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn, caplog
) -> None:  # type: ignore[no-untyped-def]
    message = _prompt(slack_runtime, client, standin)
    standin.fail("views.open", error="expired_trigger_id")

    slack.post(_note_click(message, standin))
    slack.settle()

    [response] = standin.state.responses
    assert "`expired_trigger_id`" in response["text"]
    assert "error id" not in response["text"]
    assert [r.levelname for r in caplog.records if "expired_trigger_id" in r.getMessage()] == [
        "WARNING"
    ]


def _note_click(message: Message, standin: SlackStandIn) -> str:
    first = message.blocks[3]["block_id"].split(":")[1]
    return block_action_body(
        user_id=OWNER,
        action={"action_id": Action.DECLARE_WITH_NOTE, "block_id": "b", "value": first},
        message=_message_json(message),
        channel_id=message.channel,
        response_url=standin.response_url(),
    )


def test_answering_with_a_note_records_the_note(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    message = _prompt(slack_runtime, client, standin)
    first = message.blocks[3]["block_id"].split(":")[1]
    slack.post(
        block_action_body(
            user_id=OWNER,
            action={"action_id": Action.DECLARE_WITH_NOTE, "block_id": "b", "value": first},
            message=_message_json(message),
            channel_id=message.channel,
            response_url=standin.response_url(),
        )
    )
    [opened] = standin.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == View.DECLARE_NOTE

    slack.post(
        view_submission_body(
            user_id=OWNER,
            view=view,
            values={"lane": selected("customer"), "note": typed("support engineer, SEC-12")},
        )
    )

    [declaration] = _declarations(slack_runtime)
    assert (declaration.answer, declaration.note) == ("customer", "support engineer, SEC-12")
    slack.settle()
    assert standin.messages(message.channel)[0].updates == 1


def test_apply_remaining_declares_every_undeclared_identity(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    message = _prompt(slack_runtime, client, standin, count=12)
    view = {
        "type": "modal",
        "callback_id": View.APPLY_REMAINING,
        "private_metadata": json.dumps(
            {
                "integration": "acme",
                "place": {
                    "channel": message.channel,
                    "ts": message.ts,
                    "ids": [1],
                    "integration": "acme",
                },
            }
        ),
        "blocks": [{"type": "input", "block_id": "lane"}],
    }

    slack.post(
        view_submission_body(user_id=OWNER, view=view, values={"lane": selected("workforce")})
    )

    assert len(_declarations(slack_runtime)) == 12
    slack.settle()
    assert "Every identity of `acme` has a current lane" in json.dumps(
        standin.messages(message.channel)[0].blocks
    )


def test_next_page_shows_the_next_identities(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    message = _prompt(slack_runtime, client, standin, count=12)
    first_page = identity_ids(message.blocks)
    [next_button] = [
        e
        for b in message.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.PAGE
    ]

    slack.post(
        block_action_body(
            user_id=OWNER,
            action={
                "action_id": Action.PAGE,
                "block_id": "navigation",
                "value": next_button["value"],
            },
            message=_message_json(message),
            channel_id=message.channel,
            response_url=standin.response_url(),
        )
    )

    slack.settle()
    second_page = identity_ids(standin.messages(message.channel)[0].blocks)
    assert len(first_page) == 10
    assert len(second_page) == 2
    assert min(second_page) > max(first_page)


def test_opening_the_home_tab_publishes_the_viewers_queue(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    _prompt(slack_runtime, client, standin)
    body = event_body({"type": "app_home_opened", "user": OWNER, "tab": "home"})

    assert slack.post(body, json_body=True).status_code == 200

    slack.settle()
    text = json.dumps(standin.state.home[OWNER])
    assert "`acme`: 3 identities" in text
    assert "Integrations you own" in text


def test_forged_stale_or_unsigned_requests_get_401_and_change_nothing(
    slack: Slack, slack_runtime: Runtime
) -> None:
    body = command_body("register acme platform", user_id=OWNER, response_url="http://x/")
    forged = signed_headers(body, secret="not-the-secret")
    stale = signed_headers(body, timestamp=int(time.time()) - 6 * 60)

    answers = [
        slack.http.post("/slack/events", content=body, headers=forged),
        slack.http.post("/slack/events", content=body, headers=stale),
        slack.http.post(
            "/slack/events",
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    ]

    assert [a.status_code for a in answers] == [401, 401, 401]
    with slack_runtime.unit_of_work() as session:
        assert session.exec(select(Integration)).all() == []


def test_a_retried_delivery_is_acknowledged_but_not_acted_on(
    slack: Slack, slack_runtime: Runtime
) -> None:
    body = command_body("register acme platform", user_id=OWNER, response_url="http://x/")

    answer = slack.post(body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"})

    assert answer.status_code == 200
    with slack_runtime.unit_of_work() as session:
        assert session.exec(select(Integration)).all() == []


def test_healthz_answers_when_the_database_does(slack: Slack) -> None:
    assert slack.http.get("/healthz").status_code == 200


def test_readyz_is_503_when_the_database_is_gone_and_healthz_stays_200(
    slack: Slack, slack_runtime: Runtime
) -> None:
    gone = slack_runtime.engine.url.set(database="/nonexistent/dir/boundary.db")
    slack_runtime.engine.dispose()
    slack_runtime.engine = make_engine(gone.render_as_string(hide_password=False))

    ready = slack.http.get("/readyz")

    assert (ready.status_code, ready.text) == (503, "database unavailable")
    assert slack.http.get("/healthz").status_code == 200
