"""The real `boundary-bot run` process in HTTP mode, driven by signed requests as Slack sends
them, with the Web API answered by the stand-in."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.playground.standin import SlackStandIn
from handlers.blocks.prompt import identity_ids
from tests.conftest import ADMIN, BOT_TOKEN, OWNER, STRANGER, standin_fixture
from tests.databases import SqliteDatabases, scalar
from tests.support.processes import BotProcess, bot_env, free_port
from tests.support.slack_requests import (
    SIGNING_SECRET,
    command_body,
    lane_choice_body,
    post_signed,
    signed_headers,
)

pytestmark = pytest.mark.e2e
# One bot process serves the module's tests (it takes seconds to start); so does one stand-in.
standin = standin_fixture(scope="module")


@dataclass
class Bot:
    """The bot process in HTTP mode, and signed requests to it."""

    process: BotProcess
    http: httpx.Client
    standin: SlackStandIn
    database_url: str

    def post(self, body: str, **headers: str) -> httpx.Response:
        return post_signed(self.http, body, **headers)

    def command(self, text: str, user: str = OWNER) -> httpx.Response:
        return self.post(command_body(text, user_id=user, response_url=self.standin.response_url()))

    def scalar(self, sql: str) -> object:
        return scalar(self.database_url, sql)


@contextmanager
def running_bot(database_url: str, standin: SlackStandIn, workdir: Path) -> Iterator[Bot]:
    port = free_port()
    env = bot_env(
        database_url=database_url,
        api_url=standin.api_url,
        bot_token=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PORT=str(port),
        BOUNDARY_ADMINS=ADMIN,
    )
    with (
        BotProcess(env, workdir) as process,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http,
    ):
        process.wait_for_health(port)
        yield Bot(process, http, standin, database_url)


@pytest.fixture(scope="module")
def bot(
    sqlite_databases: SqliteDatabases,
    standin: SlackStandIn,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Bot]:
    with (
        sqlite_databases.fresh() as url,
        running_bot(url, standin, tmp_path_factory.mktemp("bot")) as running,
    ):
        yield running


def test_register_then_who_is_answered_in_the_acknowledgement(bot: Bot) -> None:
    registered = bot.command("register e2e-platform platform")
    who = bot.command("who e2e-platform")

    assert "Registered `e2e-platform`" in registered.json()["text"]
    assert f"owner <@{OWNER}>" in str(who.json()["blocks"])
    assert bot.scalar("select count(*) from integration where name = 'e2e-platform'") == 1


def test_review_then_choosing_a_lane_records_it_and_updates_the_dm(
    bot: Bot, standin: SlackStandIn
) -> None:
    bot.command("register e2e-prompt application")
    bot.command("add e2e-prompt <mailto:dana@acme.com|dana@acme.com>")
    before = len(standin.calls("chat.postMessage"))

    assert "direct message" in bot.command("review e2e-prompt").json()["text"]

    standin.wait_for("chat.postMessage", before + 1, timeout=10)
    message = standin.messages(standin.dm_channel(OWNER))[-1]
    [identity] = identity_ids(message.blocks)
    answer = bot.post(
        lane_choice_body(
            user_id=OWNER,
            identity_id=identity,
            answer="customer",
            message=message,
            response_url=standin.response_url(),
        )
    )

    assert answer.status_code == 200
    assert (
        bot.scalar(f"select answer from declaration where identity_id = {identity}") == "customer"
    )
    standin.wait_for("chat.update", timeout=10)
    assert "`customer` recorded by" in str(standin.messages(message.channel)[-1].blocks)


def test_forged_and_stale_requests_get_401_and_change_nothing(bot: Bot) -> None:
    body = command_body("register e2e-forged platform", user_id=OWNER, response_url="http://x/")

    forged = bot.http.post(
        "/slack/events", content=body, headers=signed_headers(body, secret="guess")
    )
    stale = bot.http.post(
        "/slack/events",
        content=body,
        headers=signed_headers(body, timestamp=int(time.time()) - 600),
    )
    unsigned = bot.http.post("/slack/events", content=body)

    assert [forged.status_code, stale.status_code, unsigned.status_code] == [401, 401, 401]
    assert bot.scalar("select count(*) from integration where name = 'e2e-forged'") == 0


def test_a_non_owner_is_refused_and_an_unknown_subcommand_gets_usage(bot: Bot) -> None:
    bot.command("register e2e-guarded platform")

    refused = bot.command("owner e2e-guarded <@U0STRANGE|me>", user=STRANGER)
    unknown = bot.command("delete everything")

    assert "Only the owner of `e2e-guarded`" in refused.json()["text"]
    assert "I don't know `/boundary delete`" in unknown.json()["text"]
    assert bot.scalar("select owner from integration where name = 'e2e-guarded'") == OWNER


def test_the_bot_process_serves_postgresql_too(
    postgres_url: str, tmp_path: Path, standin: SlackStandIn
) -> None:
    with running_bot(postgres_url, standin, tmp_path) as running:
        running.command("register e2e-pg platform")

        who = running.command("who e2e-pg")

        assert f"owner <@{OWNER}>" in str(who.json()["blocks"])
        assert running.scalar("select count(*) from integration") == 1
