"""`/boundary` through the real bolt app and ASGI app, with signed requests and a stand-in."""

from __future__ import annotations

import json
import re
import time

from sqlmodel import select

from bot.home import Home
from bot.integrations import mark_owner_active
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from handlers.blocks.home import home_view
from handlers.ids import View
from storage.models import AuditEvent, Identity, Integration
from tests.conftest import OWNER, STRANGER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import (
    command_body,
    selected,
    typed,
    user_picked,
    view_submission_body,
)


def _command(slack: Slack, text: str, user: str = OWNER) -> dict:  # type: ignore[type-arg]
    answer = slack.post(command_body(text, user_id=user, response_url=slack.standin.response_url()))
    assert answer.status_code == 200
    return answer.json() if answer.content else {}


def _integrations(runtime: Runtime) -> list[Integration]:
    with runtime.unit_of_work() as session:
        return list(session.exec(select(Integration)).all())


def test_help_lists_every_subcommand_in_the_ack(slack: Slack) -> None:
    answer = _command(slack, "help")

    text = json.dumps(answer["blocks"])
    for name in ("register", "owner", "add", "review", "who", "gaps", "rule", "sync", "report"):
        assert f"/boundary {name}" in text
    assert answer["response_type"] == "ephemeral"


# `<` that opens anything but a mention of a user: Slack reads `<integration>` as a link.
RAW_MARKUP = re.compile(r"<(?!@U)")


def test_the_bots_own_placeholders_are_escaped_not_markup(slack: Slack) -> None:
    answers = [
        _command(slack, "help"),
        _command(slack, "owner acme"),
        _command(slack, "add acme"),
        _command(slack, "rule acme domain:acme.com"),
        _command(slack, "register acme platform"),
    ]
    shown = [json.dumps(answer) for answer in answers]
    shown.append(json.dumps(home_view(Home(user_id=OWNER, queue=[], owned=[], gaps=[]))))

    assert "&lt;integration&gt;" in shown[0]
    assert "&lt;email-or-id&gt;" in shown[4]
    assert "&lt;name&gt;" in shown[5]
    assert [RAW_MARKUP.findall(text) for text in shown] == [[]] * len(shown)


def test_unknown_subcommand_answers_with_what_exists(slack: Slack) -> None:
    answer = _command(slack, "frobnicate now")

    assert "I don't know `/boundary frobnicate`" in answer["text"]
    assert "`who`" in answer["text"]


def test_register_with_every_argument_registers_in_the_ack(
    slack: Slack, slack_runtime: Runtime
) -> None:
    answer = _command(slack, "register Acme-Tenant application <@U0LEE0001|lee>")

    assert "Registered `acme-tenant`" in answer["text"]
    [integration] = _integrations(slack_runtime)
    assert (integration.name, integration.layer, integration.owner) == (
        "acme-tenant",
        "application",
        "U0LEE0001",
    )


def test_register_with_missing_layer_opens_the_modal_and_its_submission_registers(
    slack: Slack, slack_runtime: Runtime, standin: SlackStandIn
) -> None:
    assert _command(slack, "register acme-tenant") == {}
    [opened] = standin.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == View.REGISTER

    answer = slack.post(
        view_submission_body(
            user_id=OWNER,
            view=view,
            values={
                "name": typed("acme-tenant"),
                "layer": selected("application"),
                "owner": user_picked(OWNER),
            },
        )
    )

    assert answer.status_code == 200
    assert [i.name for i in _integrations(slack_runtime)] == ["acme-tenant"]
    standin.wait_for("chat.postMessage")


def test_register_modal_with_a_bad_name_shows_the_error_on_the_form(
    slack: Slack, slack_runtime: Runtime
) -> None:
    view = {
        "type": "modal",
        "callback_id": View.REGISTER,
        "blocks": [{"type": "input", "block_id": "name"}],
    }
    answer = slack.post(
        view_submission_body(
            user_id=OWNER,
            view=view,
            values={"name": typed("Not A Slug!"), "layer": selected("platform")},
        )
    )

    assert answer.json()["response_action"] == "errors"
    assert "slug" in answer.json()["errors"]["name"]
    assert _integrations(slack_runtime) == []


def test_non_owner_is_refused_every_write_and_nothing_changes(
    slack: Slack, slack_runtime: Runtime, standin: SlackStandIn
) -> None:
    _command(slack, "register acme platform")
    _command(slack, "add acme dev@acme.com")
    writes = [
        "owner acme <@U0STRANGE|me>",
        "owner acme backup <@U0STRANGE|me>",
        "add acme intruder@evil.com",
        "rule acme domain:<http://acme.com|acme.com> customer",
        "sync acme",
        "review acme",
    ]

    for text in writes:
        answer = _command(slack, text, user=STRANGER)
        assert "Only the owner of `acme`" in answer["text"], text

    slack.settle()
    [integration] = _integrations(slack_runtime)
    assert (integration.owner, integration.backup_owner) == (OWNER, None)
    with slack_runtime.unit_of_work() as session:
        assert [i.external_id for i in session.exec(select(Identity))] == ["dev@acme.com"]
        events = session.exec(select(AuditEvent)).all()
        assert [e.action for e in events] == ["integration.registered", "identity.added"]
    assert standin.state.responses == []
    assert standin.calls("chat.postMessage") == []


def test_add_and_who_understand_escaped_emails_and_mentions(slack: Slack) -> None:
    _command(slack, "register acme platform")
    added = _command(slack, "add acme <mailto:Dev@Acme.com|Dev@Acme.com> service_account")
    assert "Added `dev@acme.com`" in added["text"]

    by_email = json.dumps(_command(slack, "who <mailto:dev@acme.com|dev@acme.com>"))
    by_user = json.dumps(_command(slack, f"who <@{OWNER}|owner>"))

    assert "no lane yet" in by_email
    assert "service_account" in by_email
    assert "`acme`" in by_user
    assert "owns or backs up" in by_user


def test_malformed_input_gets_the_subcommands_usage(slack: Slack) -> None:
    for text, usage in (
        ("owner acme", "/boundary owner &lt;integration&gt;"),
        ("add acme", "/boundary add &lt;integration&gt;"),
        ("add acme x wizard", "/boundary add &lt;integration&gt;"),
        ("who", "/boundary who"),
        ("who <#C0GENERAL|general>", "A channel owns nothing"),
        ("rule acme domain:acme.com", "/boundary rule"),
        ("rule acme domain:acme.com remove", "declares `workforce` or `customer`"),
        ("register acme platform application", "/boundary register"),
    ):
        assert usage in _command(slack, text)["text"], text


def test_an_integration_that_does_not_exist_is_named_in_the_answer(slack: Slack) -> None:
    assert "No integration is called `nope`" in _command(slack, "sync nope")["text"]
    assert "Nothing matches `nope`" in json.dumps(_command(slack, "who nope"))


def test_very_long_and_non_ascii_text_gets_a_short_answer(slack: Slack) -> None:
    long_answer = _command(slack, "who " + "ü" * 5000)
    odd_answer = _command(slack, "who Zoë-Ωmega-名前")

    assert "too long" in long_answer["text"]
    assert "Nothing matches `Zoë-Ωmega-名前`" in json.dumps(odd_answer, ensure_ascii=False)


def test_gaps_answers_through_the_response_url(slack: Slack, standin: SlackStandIn) -> None:
    _command(slack, "register acme application")
    _command(slack, "add acme dev@acme.com")

    assert _command(slack, "gaps acme") == {}

    slack.settle()
    [response] = standin.state.responses
    text = json.dumps(response["blocks"])
    assert "*undeclared* 1" in text
    assert "*scim* 1" in text


def test_an_orphan_gap_shows_its_gone_owner_as_a_mention(
    slack: Slack, standin: SlackStandIn, slack_runtime: Runtime
) -> None:
    _command(slack, "register acme platform")
    with slack_runtime.unit_of_work() as session:
        mark_owner_active(session, user_id=OWNER, active=False)

    _command(slack, "gaps acme")

    slack.settle()
    [response] = standin.state.responses
    text = json.dumps(response["blocks"])
    assert f"(owner <@{OWNER}>): the owner is deactivated or gone in Slack" in text
    assert "&lt;@" not in text


def test_sync_without_a_connector_acks_then_says_so(slack: Slack, standin: SlackStandIn) -> None:
    _command(slack, "register acme platform")

    assert "Syncing `acme`" in _command(slack, "sync acme")["text"]

    slack.settle()
    [response] = standin.state.responses
    assert "no connector configured" in response["text"]


def test_rule_declares_matching_identities_and_reports_the_count(
    slack: Slack, standin: SlackStandIn, slack_runtime: Runtime
) -> None:
    _command(slack, "register acme application")
    _command(slack, "add acme a@acme.com")
    _command(slack, "add acme b@acme.com")

    _command(slack, "rule acme domain:<http://acme.com|acme.com> customer")

    slack.settle()
    [response] = standin.state.responses
    assert "2 identities declared" in response["text"]
    with slack_runtime.unit_of_work() as session:
        assert all(i.current_declaration_id for i in session.exec(select(Identity)))


def test_report_summarises_and_points_at_the_cli(slack: Slack, standin: SlackStandIn) -> None:
    _command(slack, "register acme application")

    _command(slack, "report")

    slack.settle()
    text = json.dumps(standin.state.responses[0]["blocks"])
    assert "audit chain OK (0 declarations)" in text
    assert "boundary-bot report" in text


def test_review_acks_and_sends_the_prompt_as_a_dm(slack: Slack, standin: SlackStandIn) -> None:
    _command(slack, "register acme platform")
    _command(slack, "add acme dev@acme.com")

    assert "direct message" in _command(slack, "review acme")["text"]

    standin.wait_for("chat.postMessage")
    [message] = standin.messages(standin.dm_channel(OWNER))
    assert "wait for a lane in acme" in message.text or "waits for a lane in acme" in message.text


def test_slow_work_does_not_hold_the_acknowledgement(slack: Slack, standin: SlackStandIn) -> None:
    _command(slack, "register acme platform")
    standin.fail("conversations.open", status=500, times=10)

    started = time.monotonic()
    _command(slack, "review acme")

    assert time.monotonic() - started < 1.0
    slack.settle()
