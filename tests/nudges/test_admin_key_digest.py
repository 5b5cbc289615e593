"""End to end: an organisation-level key that never expires, read from the Claude Admin API
stand-in by a real sync, is exactly one `admin-key` gap, and the owner's digest (posted to the
Slack stand-in by the real cycle) names it with what is known of the key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.authorization import Actor
from bot.clock import ManualClock
from bot.connectors import ConnectorKind
from bot.declarations import declare
from bot.gaps import compute_gaps
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from bot.sync import connect_integration, sync_integration
from storage.models import Identity
from storage.vocabulary import Answer, GapKind
from tests.conftest import ADMIN, NOW
from tests.connectors.anthropic_server import KEY, SUPPORT, VARIABLE, anthropic_routes, api_key
from tests.connectors.anthropic_server import pages as key_pages
from tests.connectors.helpers import no_wait_retry
from tests.connectors.servers import StandIn, stand_in
from tests.nudges.conftest import Cycles, add_owner

OWNER = "U0KEYOWNER"
NAME = "claude-platform"
LA_0930 = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)  # Monday 09:30 in Los Angeles


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """The Admin API with two keys: one scoped to the organisation that never expires, and a
    workspace key that expires next year."""
    monkeypatch.setenv(VARIABLE, KEY)
    with stand_in() as server:
        anthropic_routes(server)
        server.routes["/v1/organizations/api_keys"] = key_pages(
            [
                api_key("org", "active", "user_01", None, scope={"type": "organization"}),
                api_key("prod", "active", "user_02", SUPPORT, expires_at="2027-06-30T00:00:00Z"),
            ],
            2,
        )
        yield server


def test_an_organisation_key_that_never_expires_is_its_one_gap_and_its_digest_line(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock, api: StandIn
) -> None:
    admin = Actor(ADMIN, is_admin=True)
    add_owner(nudge_runtime, standin, OWNER, integration=NAME, identities=())
    with nudge_runtime.unit_of_work() as session:
        connect_integration(
            session,
            actor=admin,
            integration_name=NAME,
            kind=ConnectorKind.ANTHROPIC,
            settings={"url": api.base_url + "v1/", "secret_env": VARIABLE},
            now=NOW,
        )
    synced = sync_integration(
        nudge_runtime, actor=admin, integration_name=NAME, retry=no_wait_retry()
    )
    with nudge_runtime.unit_of_work() as session:
        for identity in session.exec(select(Identity)).all():
            declare(session, actor=admin, identity_id=identity.id or 0,
                    answer=Answer.WORKFORCE, now=NOW)  # fmt: skip
        gaps = compute_gaps(session, review_days=90, now=NOW)
    clock.set(LA_0930)

    report = cycles.run()

    assert synced.ok, synced.error
    assert [(gap.kind, gap.identity) for gap in gaps] == [(GapKind.ADMIN_KEY, "apikey_org")]
    assert report.sent == 1
    [message] = standin.messages(standin.dm_channel(OWNER))
    assert message.text == ("Boundary review: 1 open item in integrations you own (1 admin-key).")
    urgent = next(b for b in message.blocks if "*Most urgent*" in b.get("text", {}).get("text", ""))
    assert urgent["text"]["text"].splitlines()[1:] == [
        f"• *{NAME}* · `apikey_org`: admin key due for review: organisation-level key that never"
        " expires: replace it with a key that expires, then revoke this one",
        "      api key · created by dev1@corp.com · created 2026-01-15 · never expires"
        " · organisation-wide",
    ]
