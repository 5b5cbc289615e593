"""Fixtures for nudge tests: a runtime that points at the Slack stand-in (the `standin` fixture
of tests/conftest.py), the production client and messenger, cycles, and owners."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import Session

from bot.app import slack_messenger
from bot.authorization import Actor
from bot.clock import ManualClock
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.nudges.cycle import CycleReport, run_cycle
from bot.nudges.messenger import Messenger
from bot.nudges.pacing import Pacing
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.client import make_client
from storage.vocabulary import Layer, ScimStatus, SsoStatus
from tests.conftest import ADMIN, BOT_TOKEN, NOW
from tests.support.slack_requests import SIGNING_SECRET

ESCALATIONS = "C0ESCALATE"
TOKYO = "Asia/Tokyo"
LOS_ANGELES = "America/Los_Angeles"


@pytest.fixture
def nudge_runtime(
    database_url: str, clock: ManualClock, standin: SlackStandIn
) -> Iterator[Runtime]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        DATABASE_URL=database_url,
        BOUNDARY_ADMINS=ADMIN,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=standin.api_url,
        BOUNDARY_ESCALATION_CHANNEL=ESCALATIONS,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    built = Runtime.build(settings, clock=clock)
    yield built
    built.engine.dispose()


@pytest.fixture
def client(nudge_runtime: Runtime) -> WebClient:
    """The production client: base URL from settings, slack-sdk's retry handlers."""
    return make_client(nudge_runtime.settings)


@pytest.fixture
def messenger(nudge_runtime: Runtime, client: WebClient) -> Messenger:
    """The production Messenger: Slack's Web API through the production client."""
    return slack_messenger(nudge_runtime.settings, client=client)


@dataclass
class Cycles:
    """Runs the cycle at the clock's moment, fast (no pacing)."""

    runtime: Runtime
    messenger: Messenger
    clock: ManualClock

    def run(self, *, force: bool = False, dry_run: bool = False) -> CycleReport:
        return run_cycle(
            self.runtime,
            messenger=self.messenger,
            force=force,
            dry_run=dry_run,
            pacing=Pacing.unlimited(),
            lease=timedelta(minutes=10),
        )


@pytest.fixture
def cycles(nudge_runtime: Runtime, messenger: Messenger, clock: ManualClock) -> Cycles:
    return Cycles(nudge_runtime, messenger, clock)


def add_owner(
    runtime: Runtime,
    standin: SlackStandIn,
    owner: str,
    *,
    integration: str,
    tz: str = LOS_ANGELES,
    identities: tuple[str, ...] = ("dev@corp.com",),
    backup: str | None = None,
    layer: Layer = Layer.PLATFORM,
    sso: SsoStatus = SsoStatus.ENFORCED,
    scim: ScimStatus = ScimStatus.ENABLED,
) -> None:
    """An owner known to Slack in `tz`, owning one integration with undeclared identities.
    An admin registers it, so the owner has not acted yet."""
    standin.add_user(owner, tz=tz)
    if backup is not None and backup not in standin.state.users:
        standin.add_user(backup, tz=tz)
    admin = Actor(ADMIN, is_admin=True)
    with runtime.unit_of_work() as session:
        register_integration(
            session,
            actor=admin,
            name=integration,
            layer=layer,
            owner=owner,
            backup_owner=backup,
            sso=sso,
            scim=scim,
            now=NOW,
        )
        for identity in identities:
            add_identity(
                session, actor=admin, integration_name=integration, id_or_email=identity, now=NOW
            )


def digests_to(standin: SlackStandIn, owner: str) -> list[str]:
    """The texts of digests the stand-in received for `owner`."""
    return [
        m.text for m in standin.messages(standin.dm_channel(owner)) if "Boundary review" in m.text
    ]


def session_of(runtime: Runtime) -> Session:
    return runtime.sessions()
