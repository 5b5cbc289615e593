"""Text someone typed or a source provided never pings or links when the bot echoes it: in
acknowledgements, usage errors, the unknown-subcommand answer, the rule confirmation, lookups,
the declaration prompt (names, roles, notes) and modals; the bot's own mentions of people (by
user id) still render."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from slack_sdk import WebClient

from bot.authorization import Actor
from bot.declarations import declare
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.nudges.messenger import Note
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from handlers.blocks.notices import notice_text
from handlers.review_prompt import send_review_prompt
from storage.vocabulary import Answer, IdentityKind, Layer
from tests.conftest import NOW, OWNER, STRANGER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import command_body

FORBIDDEN = ("<!channel", "<!here", "<!everyone", "<!subteam", "<http", "<mailto", "<#")


def _sent(answer_text: str, standin: SlackStandIn) -> str:
    """Everything the bot sent: the acknowledgement and every Web API call and response_url
    answer the stand-in received (bolt's auth.test aside)."""
    calls = [call.params for call in standin.calls() if call.method != "auth.test"]
    return answer_text + json.dumps([calls, standin.state.responses], ensure_ascii=False)


def _pings(sent: str) -> list[str]:
    return [bad for bad in FORBIDDEN if bad in sent]


def _command(slack: Slack, text: str, user: str = OWNER) -> str:
    answer = slack.post(command_body(text, user_id=user, response_url=slack.standin.response_url()))
    assert answer.status_code == 200
    return answer.text


def _seed(runtime: Runtime) -> int:
    """acme, with an identity whose source-provided name, id, role and note are hostile."""
    owner = Actor(OWNER)
    with runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name="acme", layer=Layer.APPLICATION, now=NOW)
        identity = add_identity(
            session,
            actor=owner,
            integration_name="acme",
            id_or_email="svc-<!channel>",
            kind=IdentityKind.SERVICE_ACCOUNT,
            display_name="Build <!here> <https://evil.example|bot>",
            role="<!subteam^S0TEAM01|@team> admin",
            now=NOW,
        )
        identity_id = identity.id or 0
        declare(
            session,
            actor=owner,
            identity_id=identity_id,
            answer=Answer.WORKFORCE,
            note="ask <!everyone> at <https://evil.example|the wiki>",
            now=NOW - timedelta(days=200),  # stale: the prompt shows it again, note and all
        )
    return identity_id


# Each is what Slack sends for what was typed: `@channel` arrives as `<!channel>`, a typed `<`
# as `&lt;`, a typed `&lt;` as `&amp;lt;`.
ECHOED = {
    "who, a typed broadcast": "who &lt;!channel&gt;",
    "who, a broadcast": "who <!channel>",
    "who, a user group": "who &lt;!subteam^S0TEAM01|@team&gt;",
    "who, an escaped entity": "who &amp;lt;!channel&amp;gt;",
    "gaps, a typed here": "gaps &lt;!here&gt;",
    "register, a link": "register <https://evil.example|verify> platform",
    "register, a typed link": "register &lt;https://evil.example|verify&gt;",
    "register, a typed everyone": "register acme-two &lt;!everyone&gt;",
    "unknown subcommand": "&lt;!everyone&gt; now",
    "add, a kind": "add acme x &lt;!channel&gt;",
    "add, an identity id": "add acme &lt;!here&gt;-svc",
    "owner, not a mention": "owner acme &lt;!here&gt;",
    "rule, a role": "rule acme role:&lt;!here&gt; workforce",
    "rule, a domain": "rule acme domain:&lt;https://evil.example|x&gt; customer",
    "sync, a name": "sync &lt;#C0GENERAL|general&gt;",
    "report, a name": "report &lt;!channel&gt;",
    "review, a name": "review &lt;!channel&gt;",
}


@pytest.mark.parametrize("text", list(ECHOED.values()), ids=list(ECHOED))
def test_typed_text_is_echoed_without_pings_or_links(
    text: str, slack: Slack, slack_runtime: Runtime, standin: SlackStandIn
) -> None:
    _seed(slack_runtime)

    answer = _command(slack, text)
    slack.settle()

    sent = _sent(answer, standin)
    assert _pings(sent) == [], sent


def test_a_typed_entity_is_shown_as_typed(slack: Slack) -> None:
    answer = json.loads(_command(slack, "who &amp;lt;b&amp;gt;"))

    # Slack shows `&amp;lt;` as `&lt;`: what the person typed, not a `<`.
    assert "Nothing matches `&amp;lt;b&amp;gt;`" in json.dumps(answer["blocks"])
    assert answer["text"] == "who &amp;lt;b&amp;gt;"


def test_source_text_in_lookups_and_the_prompt_is_escaped(
    slack: Slack, slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    _seed(slack_runtime)

    looked_up = _command(slack, "who svc-&lt;!channel&gt;")
    _command(slack, "gaps acme")
    send_review_prompt(client, slack_runtime, user_id=OWNER, integration=None)
    slack.settle()

    sent = _sent(looked_up, standin)
    assert _pings(sent) == []
    assert "svc-&lt;!channel&gt;" in looked_up
    [prompt] = standin.messages(standin.dm_channel(OWNER))
    shown = json.dumps(prompt.blocks)
    assert "Build &lt;!here&gt; &lt;https://evil.example|bot&gt;" in shown
    assert "ask &lt;!everyone&gt; at &lt;https://evil.example|the wiki&gt;" in shown


def test_the_bots_own_mentions_of_people_still_render(slack: Slack, slack_runtime: Runtime) -> None:
    _seed(slack_runtime)

    by_user = json.loads(_command(slack, f"who <@{OWNER}|dana>"))
    refusal = json.loads(_command(slack, "sync acme", user=STRANGER))

    assert f"<@{OWNER}> owns or backs up" in json.dumps(by_user["blocks"])
    assert f"Only the owner of `acme` (<@{OWNER}>)" in refusal["text"]


def test_a_sources_words_in_a_sync_notice_are_escaped() -> None:
    text = notice_text(Note("The scim sync of `acme` failed: HTTP 500 <!channel> & <b>."))

    assert text == "The scim sync of `acme` failed: HTTP 500 &lt;!channel&gt; &amp; &lt;b&gt;."
