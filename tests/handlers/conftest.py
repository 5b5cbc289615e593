"""Fixtures for handler tests: the real bolt app behind the real ASGI app, signed requests,
and the Slack Web API stand-in on loopback (the `standin` fixture of tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from starlette.testclient import TestClient

from bot.app import create_app
from bot.clock import ManualClock
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from bot.server import asgi_for
from bot.settings import Settings
from tests.conftest import ADMIN, BOT_TOKEN
from tests.support.slack_requests import FORM, SIGNING_SECRET, post_signed


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=standin.api_url)


@pytest.fixture
def slack_runtime(
    database_url: str, clock: ManualClock, standin: SlackStandIn
) -> Iterator[Runtime]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        DATABASE_URL=database_url,
        BOUNDARY_ADMINS=ADMIN,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
    )
    built = Runtime.build(settings, clock=clock)
    yield built
    built.engine.dispose()


@dataclass
class Slack:
    """Sends signed requests to the bot and waits for the work that follows the ack."""

    http: TestClient
    app: App
    standin: SlackStandIn

    def post(self, body: str, *, json_body: bool = False, **headers: str):  # type: ignore[no-untyped-def]
        content_type = "application/json" if json_body else FORM
        return post_signed(self.http, body, content_type=content_type, **headers)

    def settle(self) -> None:
        """Wait until every lazy listener has finished (the app is unusable afterwards)."""
        self.app.listener_runner.lazy_listener_runner.executor.shutdown(wait=True)


@pytest.fixture
def slack(slack_runtime: Runtime, client: WebClient, standin: SlackStandIn) -> Iterator[Slack]:
    app = create_app(slack_runtime, client=client)
    with TestClient(asgi_for(app, slack_runtime)) as http:
        yield Slack(http, app, standin)
