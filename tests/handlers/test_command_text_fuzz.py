"""A property of `/boundary` over the real signed endpoint: whatever text a command carries
(unicode, control characters, Slack's escape syntax, `&`, `=`, the word payload), the answer is
2xx or 4xx, never 5xx, and nothing the bot sends (the acknowledgement, response_url answers,
messages, modals, the App Home) holds a broadcast, a user-group mention, a channel link or a
URL link that came from the text. BOUNDARY_FUZZ_EXAMPLES raises the number of examples (60)."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.hostile import FORBIDDEN, SLACK_SYNTAX
from bot.authorization import Actor
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from handlers.commands.boundary import SUBCOMMANDS
from storage.vocabulary import IdentityKind, Layer
from tests.conftest import ADMIN, NOW, OWNER, STRANGER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import command_body

EXAMPLES = int(os.environ.get("BOUNDARY_FUZZ_EXAMPLES", "60"))


_characters = st.characters(blacklist_categories=("Cs",))  # unicode, control characters too
_word = st.text(_characters, min_size=1, max_size=12)
_piece = st.one_of(st.sampled_from(SLACK_SYNTAX), _word)
# Pieces glued to their neighbours, as in `role:<!here>` or `a&lt;b`, or apart.
_glued = st.lists(_piece, min_size=1, max_size=3).map("".join)
_separator = st.sampled_from([" ", " ", "  ", "\t", "\n"])


# Where each subcommand echoes an argument back (usage errors, lookups, confirmations).
TEMPLATES = [
    "who {}",
    "gaps {}",
    "report {}",
    "review {}",
    "sync {}",
    "register {}",
    "register {} platform",
    "register acme-two platform {}",
    "add acme {}",
    "add acme x {}",
    "owner acme {}",
    "owner acme <@U0OWNER01> backup {}",
    "rule acme role:{} workforce",
    "rule acme domain:{} customer",
    "rule acme {} workforce",
    "rule acme kind:bot {}",
    "{} help",
]


@st.composite
def free_texts(draw: st.DrawFn) -> str:
    text = draw(st.one_of(st.sampled_from(sorted(SUBCOMMANDS)), _glued))
    for word in draw(st.lists(_glued, max_size=4)):
        text += draw(_separator) + word
    return text


def command_texts() -> st.SearchStrategy[str]:
    templated = st.builds(str.format, st.sampled_from(TEMPLATES), _glued)
    return st.one_of(free_texts(), templated)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The property is about text, not the database: SQLite only, to keep it quick."""
    return sqlite_url


@pytest.fixture
def seeded(slack_runtime: Runtime) -> None:
    """An integration whose source-provided identity text is hostile too."""
    owner = Actor(OWNER)
    with slack_runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name="acme", layer=Layer.APPLICATION, now=NOW)
        add_identity(
            session,
            actor=owner,
            integration_name="acme",
            id_or_email="svc-<!channel>",
            kind=IdentityKind.SERVICE_ACCOUNT,
            display_name="Build <!here> <https://evil.example|bot>",
            role="<!subteam^S0TEAM01> admin",
            now=NOW,
        )


def _settle(slack: Slack) -> None:
    """Wait for the lazy listeners of one example, then give bolt a fresh pool for the next."""
    runner = slack.app.listener_runner.lazy_listener_runner
    runner.executor.shutdown(wait=True)
    runner.executor = ThreadPoolExecutor(max_workers=4)


def _sent_since(standin: SlackStandIn, calls: int, responses: int) -> str:
    sent = [call.params for call in standin.calls()[calls:] if call.method != "auth.test"]
    return json.dumps([sent, standin.state.responses[responses:]], ensure_ascii=False)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=command_texts(), user=st.sampled_from([OWNER, STRANGER, ADMIN]))
def test_no_command_text_gets_a_5xx_or_a_ping_or_a_link_into_a_reply(
    slack: Slack, standin: SlackStandIn, seeded: None, text: str, user: str
) -> None:
    calls, responses = len(standin.calls()), len(standin.state.responses)

    answer = slack.post(command_body(text, user_id=user, response_url=standin.response_url()))
    _settle(slack)

    assert 200 <= answer.status_code < 500
    replies = answer.text + _sent_since(standin, calls, responses)
    found = [bad for bad in FORBIDDEN if bad in replies]
    assert found == [], f"{text!r} made the bot send {found}: {replies[:2000]}"
