"""What is known of a key shows under it, in one escaped line, in the declaration prompt (a DM)
and in the App Home tab (published after a signed `app_home_opened`); the Home tab judges keys
under the configured intervals (`BOUNDARY_UNUSED_DAYS`), not fixed ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.authorization import Actor
from bot.clock import ManualClock
from bot.identity_details import IdentityDetails
from bot.integrations import register_integration
from bot.nudges.digest import Digest, DigestItem
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.blocks.details import details_line
from handlers.blocks.digest import digest_blocks
from handlers.review_prompt import send_review_prompt
from storage.models import Identity
from storage.vocabulary import GapKind, IdentityKind, Layer, ScimStatus, Source, SsoStatus
from tests.conftest import ADMIN, BOT_TOKEN, NOW, OWNER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import SIGNING_SECRET, event_body

DETAILS = (
    "api key · owner &lt;!channel&gt; ops · created 2026-01-02 · last used 2026-11-10"
    " · never expires · project Prod"
)


@pytest.fixture
def slack_runtime(
    database_url: str, clock: ManualClock, standin: SlackStandIn
) -> Iterator[Runtime]:
    """The handlers' runtime, with a 10-day unused interval instead of the default 90."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        DATABASE_URL=database_url,
        BOUNDARY_ADMINS=ADMIN,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        BOUNDARY_UNUSED_DAYS=10,
    )
    built = Runtime.build(settings, clock=clock)
    yield built
    built.engine.dispose()


@pytest.fixture
def key(slack_runtime: Runtime) -> None:
    """An OpenAI project key whose owner's name tries to ping the channel, last used 20 days
    ago: unused under a 10-day interval, not under 90."""
    with slack_runtime.unit_of_work() as session:
        platform = register_integration(
            session, actor=Actor(OWNER), name="openai-platform", layer=Layer.PLATFORM,
            sso=SsoStatus.ENFORCED, scim=ScimStatus.ENABLED, now=NOW,
        )  # fmt: skip
        session.add(
            Identity(
                integration_id=platform.id or 0,
                external_id="key_prod",
                display_name="Prod key sk-abc...def (Prod)",
                kind=IdentityKind.API_KEY,
                role="Prod: api key",
                owned_by="<!channel> ops",
                source=Source.OPENAI,
                last_used_at=NOW - timedelta(days=20),
                source_created_at=NOW.replace(month=1, day=2),
                container="Prod",
                first_seen_at=NOW,
                last_seen_at=NOW,
            )
        )


def _contexts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]


@pytest.mark.usefixtures("key")
def test_the_declaration_prompt_shows_the_keys_details_under_it(
    slack_runtime: Runtime, client: WebClient, standin: SlackStandIn
) -> None:
    send_review_prompt(client, slack_runtime, user_id=OWNER)

    [message] = standin.messages(standin.dm_channel(OWNER))
    assert DETAILS in _contexts(message.blocks)
    assert "<!channel>" not in json.dumps(message.blocks)


@pytest.mark.usefixtures("key")
def test_the_home_tab_lists_key_gaps_under_the_configured_interval_with_details(
    slack: Slack, standin: SlackStandIn
) -> None:
    body = event_body({"type": "app_home_opened", "user": OWNER, "tab": "home"})

    assert slack.post(body, json_body=True).status_code == 200

    slack.settle()
    blocks = standin.state.home[OWNER]["blocks"]
    lines = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert "• *unused* `openai-platform` `key_prod`: not used since 2026-11-10 (over 10 days):" \
        " remove it, or rotate it if something still needs it" in lines  # fmt: skip
    # Under each of its gaps: `owner-left` (no such owner at OpenAI), `unused`, `undeclared`.
    assert _contexts(blocks).count(DETAILS) == 3
    assert "<!channel>" not in json.dumps(blocks)


def _details(**overrides: Any) -> IdentityDetails:
    given: dict[str, Any] = {
        "kind": IdentityKind.API_KEY,
        "owner": "dev@acme.com",
        "owner_is_creator": False,
        "created_at": None,
        "last_used_at": None,
        "never_used": False,
        "expires_at": None,
        "never_expires": False,
        "expired": False,
        "scopes": None,
        "role": None,
        "container": None,
        "container_noun": None,
    }
    return IdentityDetails(**(given | overrides))


def test_the_details_line_says_expired_never_used_and_organisation_wide() -> None:
    line = details_line(
        _details(owner="<@U0BOSS> & co", owner_is_creator=True, never_used=True,
                 expires_at=NOW - timedelta(days=1), expired=True, scopes="api.model.read",
                 role="admin", container="organization")
    )  # fmt: skip

    assert line == (
        "api key · created by &lt;@U0BOSS&gt; &amp; co · never used · expired 2026-11-29"
        " · scopes api.model.read · role admin · organisation-wide"
    )


def test_a_full_digest_keeps_every_item_and_drops_details_from_the_last_first() -> None:
    long = _details(owner="o" * 80, scopes="s" * 80, role="r" * 40, container="c" * 60,
                    container_noun="project", never_expires=True)  # fmt: skip
    items = tuple(
        DigestItem(GapKind.UNUSED, "openai-platform", f"key-{n}", "x" * 250, n, long)
        for n in range(8)
    )
    digest = Digest(OWNER, "2026-11-30", {GapKind.UNUSED: 8}, items, total=8, integrations=())

    text = digest_blocks(digest)[2]["text"]["text"]

    assert len(text) <= 3000
    assert all(f"`key-{n}`" in text for n in range(8))
    assert text.count(details_line(long)) in range(1, 8)
    assert text.splitlines()[2] == f"      {details_line(long)}"  # the first item keeps its own
