"""The real `boundary-bot run` process in HTTP mode, driven by signed requests as Slack sends
them, with the Web API answered by the stand-in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from bot.slack_standin import SlackStandIn
from handlers.blocks.prompt import identity_ids
from storage.engine import make_engine
from tests.conftest import OWNER, STRANGER
from tests.databases import SqliteDatabases
from tests.handlers.slack_requests import (
    SIGNING_SECRET,
    command_body,
    lane_choice_body,
    signed_headers,
)

pytestmark = pytest.mark.e2e
TOKEN = "xoxb-e2e-token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Bot:
    def __init__(self, database_url: str, standin: SlackStandIn, workdir: Path) -> None:
        self.port = _free_port()
        self.database_url = database_url
        self.standin = standin
        env = {
            "PATH": os.environ.get("PATH", ""),
            "SLACK_API_URL": standin.api_url,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "DATABASE_URL": database_url,
            "PORT": str(self.port),
            "BOUNDARY_ADMINS": "U0ADMIN01",
        }
        executable = Path(sys.executable).parent / "boundary-bot"
        # A working directory of its own, so no developer's .env is read.
        self.process = subprocess.Popen(
            [str(executable), "run"], env=env, cwd=workdir, stderr=subprocess.PIPE
        )
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    self.process.stderr.read().decode() if self.process.stderr else ""
                )
            try:
                if self.http.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise TimeoutError("the bot did not start")

    def post(self, body: str, **headers: str) -> httpx.Response:
        sent = {**signed_headers(body), **headers}
        return self.http.post("/slack/events", content=body, headers=sent)

    def command(self, text: str, user: str = OWNER) -> httpx.Response:
        return self.post(command_body(text, user_id=user, response_url=self.standin.response_url()))

    def scalar(self, sql: str) -> object:
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return connection.execute(sa.text(sql)).scalar()
        finally:
            engine.dispose()

    def stop(self) -> None:
        self.http.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(token=TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def bot(
    sqlite_databases: SqliteDatabases,
    standin: SlackStandIn,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Bot]:
    with sqlite_databases.fresh() as url:
        running = Bot(url, standin, tmp_path_factory.mktemp("bot"))
        yield running
        running.stop()


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
    running = Bot(postgres_url, standin, tmp_path)
    try:
        running.command("register e2e-pg platform")

        who = running.command("who e2e-pg")

        assert f"owner <@{OWNER}>" in str(who.json()["blocks"])
        assert running.scalar("select count(*) from integration") == 1
    finally:
        running.stop()
