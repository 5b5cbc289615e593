"""The real `boundary-bot run` process in Socket Mode: it opens a connection with the app-level
token, receives envelopes over a loopback WebSocket exactly as Slack sends them, acknowledges
each one with its envelope_id, and stops cleanly on SIGTERM or SIGINT (HTTP mode too)."""

from __future__ import annotations

import json
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.playground.standin import APP_ID, SlackStandIn
from handlers.blocks.prompt import identity_ids
from tests.conftest import ADMIN, BOT_TOKEN, OWNER, STRANGER, standin_fixture
from tests.databases import SqliteDatabases, scalar
from tests.support.processes import BotProcess, bot_env, run_bot
from tests.support.slack_requests import command_body, event_body, lane_choice_body

pytestmark = pytest.mark.e2e
APP_TOKEN = "xapp-1-A0BOUNDARY-socket-e2e"


class SlackSocket:
    """Slack's end of Socket Mode on loopback: says hello to each connection, sends envelopes,
    and keeps the acknowledgements the bot sends back."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._connections: list[ServerConnection] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self.closed = 0
        self._server: Server = serve(self._session, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=e2e-ticket&app_id={APP_ID}"

    def stop(self) -> None:
        self._server.shutdown()

    def _session(self, connection: ServerConnection) -> None:
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "applink-e2e", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": APP_ID},
                }
            )
        )
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()
        try:
            for raw in connection:
                ack = json.loads(raw)
                with self._changed:
                    self.acks[str(ack["envelope_id"])] = ack
                    self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self.closed += 1
                self._changed.notify_all()

    def _wait(self, ready: Any, what: str, timeout: float) -> None:
        with self._changed:
            if not self._changed.wait_for(ready, timeout):
                raise TimeoutError(what)

    def wait_connected(self, count: int = 1, timeout: float = 20) -> None:
        self._wait(lambda: len(self._connections) >= count, "the bot did not connect", timeout)

    @property
    def connections(self) -> int:
        with self._changed:
            return len(self._connections)

    def ask_to_reconnect(self) -> None:
        """What Slack sends before it refreshes a connection (every few hours)."""
        with self._changed:
            connection = self._connections[-1]
        connection.send(
            json.dumps(
                {
                    "type": "disconnect",
                    "reason": "refresh_requested",
                    "debug_info": {"host": "applink-e2e"},
                }
            )
        )

    def wait_closed(self, timeout: float = 10) -> None:
        self._wait(lambda: self.closed, "the bot did not close its connection", timeout)

    def send(self, kind: str, payload: dict[str, Any], **envelope: Any) -> str:
        """Send one envelope as Slack does; returns its envelope_id."""
        envelope_id = str(uuid.uuid4())
        with self._changed:
            connection = self._connections[-1]
        connection.send(
            json.dumps({"envelope_id": envelope_id, "type": kind, "payload": payload, **envelope})
        )
        return envelope_id

    def ack(self, envelope_id: str, timeout: float = 10) -> dict[str, Any]:
        self._wait(lambda: envelope_id in self.acks, f"no ack for {envelope_id}", timeout)
        return self.acks[envelope_id]

    # ---- the three kinds of envelope the bot subscribes to ----------------------------
    def command(self, text: str, user: str, response_url: str) -> str:
        form = parse_qs(command_body(text, user_id=user, response_url=response_url))
        payload = {key: values[-1] for key, values in form.items()}
        return self.send("slash_commands", payload, accepts_response_payload=True)

    def interactive(self, form_body: str) -> str:
        payload = json.loads(parse_qs(form_body)["payload"][-1])
        return self.send("interactive", payload, accepts_response_payload=False)

    def event(self, event: dict[str, Any], retry_attempt: int = 0) -> str:
        payload = json.loads(event_body(event, event_id=f"Ev{uuid.uuid4().hex[:8].upper()}"))
        return self.send(
            "events_api",
            payload,
            accepts_response_payload=False,
            retry_attempt=retry_attempt,
            retry_reason="" if retry_attempt == 0 else "timeout",
        )


@dataclass
class SocketBot:
    """`boundary-bot run` with SLACK_APP_TOKEN set, and Slack's end of its connection."""

    process: BotProcess
    socket: SlackSocket
    database_url: str

    def scalar(self, sql: str) -> object:
        return scalar(self.database_url, sql)


@contextmanager
def running_bot(
    database_url: str, standin: SlackStandIn, slack_socket: SlackSocket, workdir: Path
) -> Iterator[SocketBot]:
    env = bot_env(
        database_url=database_url,
        api_url=standin.api_url,
        bot_token=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        BOUNDARY_ADMINS=ADMIN,
        LOG_LEVEL="INFO",
    )
    with BotProcess(env, workdir) as process:
        process.wait_for_socket_mode(slack_socket.wait_connected)
        yield SocketBot(process, slack_socket, database_url)


# One bot process serves most of the module's tests (it takes seconds to start); so does one
# stand-in. The tests that start a bot of their own have a stand-in of their own.
standin = standin_fixture(app_token=APP_TOKEN, scope="module")
own_standin = standin_fixture(app_token=APP_TOKEN, name="own_standin")


@pytest.fixture(scope="module")
def bot(
    sqlite_databases: SqliteDatabases,
    standin: SlackStandIn,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SocketBot]:
    slack_socket = SlackSocket()
    standin.socket_mode_url = slack_socket.url
    workdir = tmp_path_factory.mktemp("socket-bot")
    with (
        sqlite_databases.fresh() as url,
        running_bot(url, standin, slack_socket, workdir) as running,
    ):
        yield running
    slack_socket.stop()


def test_the_bot_opens_its_connection_with_the_app_level_token(
    bot: SocketBot, standin: SlackStandIn
) -> None:
    [opened] = standin.calls("apps.connections.open")

    assert opened.token == APP_TOKEN


def test_register_then_who_are_acknowledged_with_the_answer_in_the_ack_payload(
    bot: SocketBot, standin: SlackStandIn
) -> None:
    registering = bot.socket.command("register sm-platform platform", OWNER, standin.response_url())
    registered = bot.socket.ack(registering)
    asking = bot.socket.command("who sm-platform", STRANGER, standin.response_url())
    who = bot.socket.ack(asking)

    assert registered["envelope_id"] == registering
    assert "Registered `sm-platform`" in registered["payload"]["text"]
    assert registered["payload"]["response_type"] == "ephemeral"
    assert who["envelope_id"] == asking
    assert f"owner <@{OWNER}>" in json.dumps(who["payload"]["blocks"])
    assert bot.scalar("select owner from integration where name = 'sm-platform'") == OWNER


def test_unknown_subcommand_and_refusal_are_answered_in_the_ack(
    bot: SocketBot, standin: SlackStandIn
) -> None:
    bot.socket.ack(bot.socket.command("register sm-guarded platform", OWNER, "http://x/"))

    unknown = bot.socket.ack(bot.socket.command("delete everything", OWNER, "http://x/"))
    refused = bot.socket.ack(
        bot.socket.command("owner sm-guarded <@U0STRANGE|me>", STRANGER, "http://x/")
    )

    assert "I don't know `/boundary delete`" in unknown["payload"]["text"]
    assert "Only the owner of `sm-guarded`" in refused["payload"]["text"]
    assert bot.scalar("select owner from integration where name = 'sm-guarded'") == OWNER


def test_app_home_opened_is_acknowledged_then_the_home_tab_is_published(
    bot: SocketBot, standin: SlackStandIn
) -> None:
    before = len(standin.calls("views.publish"))

    envelope = bot.socket.event(
        {"type": "app_home_opened", "user": OWNER, "channel": "D0OWNER01", "tab": "home"}
    )

    assert bot.socket.ack(envelope) == {"envelope_id": envelope}
    published = standin.wait_for("views.publish", before + 1)[-1]
    assert published.params["user_id"] == OWNER
    assert published.token == BOT_TOKEN


def test_a_retried_event_is_acknowledged_and_not_acted_on_twice(
    bot: SocketBot, standin: SlackStandIn
) -> None:
    before = len(standin.calls("views.publish"))

    envelope = bot.socket.event(
        {"type": "app_home_opened", "user": OWNER, "channel": "D0OWNER01", "tab": "home"},
        retry_attempt=1,
    )

    assert bot.socket.ack(envelope) == {"envelope_id": envelope}
    time.sleep(0.5)  # what a lazy listener would have published by now
    assert len(standin.calls("views.publish")) == before


def test_choosing_a_lane_in_the_prompt_records_it_and_updates_the_dm(
    bot: SocketBot, standin: SlackStandIn
) -> None:
    bot.socket.ack(bot.socket.command("register sm-prompt application", OWNER, "http://x/"))
    bot.socket.ack(
        bot.socket.command("add sm-prompt <mailto:lee@acme.com|lee@acme.com>", OWNER, "http://x/")
    )
    sent = len(standin.calls("chat.postMessage"))
    bot.socket.ack(bot.socket.command("review sm-prompt", OWNER, standin.response_url()))
    standin.wait_for("chat.postMessage", sent + 1, timeout=10)
    message = standin.messages(standin.dm_channel(OWNER))[-1]
    [identity] = identity_ids(message.blocks)
    updated = len(standin.calls("chat.update"))

    envelope = bot.socket.interactive(
        lane_choice_body(
            user_id=OWNER,
            identity_id=identity,
            answer="customer",
            message=message,
            response_url=standin.response_url(),
        )
    )

    assert bot.socket.ack(envelope) == {"envelope_id": envelope}
    assert (
        bot.scalar(f"select answer from declaration where identity_id = {identity}") == "customer"
    )
    standin.wait_for("chat.update", updated + 1, timeout=10)
    assert "`customer` recorded by" in str(standin.messages(message.channel)[-1].blocks)


def test_after_slack_asks_to_reconnect_the_bot_reconnects_and_keeps_answering(
    bot: SocketBot, standin: SlackStandIn
) -> None:
    bot.socket.ack(bot.socket.command("register sm-refresh platform", OWNER, "http://x/"))
    opened, connections = len(standin.calls("apps.connections.open")), bot.socket.connections

    bot.socket.ask_to_reconnect()
    bot.socket.wait_connected(connections + 1)
    who = bot.socket.ack(bot.socket.command("who sm-refresh", OWNER, "http://x/"))

    assert len(standin.calls("apps.connections.open")) == opened + 1
    assert f"owner <@{OWNER}>" in json.dumps(who["payload"]["blocks"])


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_bot_cleanly_with_exit_code_0(
    signum: int, sqlite_url: str, tmp_path: Path, own_standin: SlackStandIn
) -> None:
    slack_socket = SlackSocket()
    own_standin.socket_mode_url = slack_socket.url
    with running_bot(sqlite_url, own_standin, slack_socket, tmp_path) as running:
        code = running.process.stop(signum)

        slack_socket.wait_closed()
    slack_socket.stop()
    log = running.process.read_log()
    assert code == 0, log
    assert "scheduler stopped" in log
    assert "Traceback" not in log


def test_a_wrong_app_token_stops_start_up_with_one_clear_line(
    sqlite_url: str, tmp_path: Path, own_standin: SlackStandIn
) -> None:
    env = bot_env(
        database_url=sqlite_url,
        api_url=own_standin.api_url,
        bot_token=BOT_TOKEN,
        SLACK_APP_TOKEN="xapp-1-A0BOUNDARY-revoked",
    )
    finished = run_bot(env, tmp_path, timeout=30)

    assert finished.returncode == 1
    assert "apps.connections.open answered `invalid_auth`" in finished.stderr
    assert "Traceback" not in finished.stderr
