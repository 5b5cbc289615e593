"""Operating the real `boundary-bot run` in HTTP mode: `/metrics` counts Slack requests by kind
and outcome with their acknowledgement latency, and the open gaps; `/healthz` is liveness and
`/readyz` readiness (503 while the schema is behind or the database is gone, `/healthz` still
200); with LOG_FORMAT=json every line the process writes is one JSON object, an unexpected
error's line carries its error id and request kind, and no line holds a secret or a body."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from bot.playground.standin import SlackStandIn
from storage.engine import make_engine
from storage.vocabulary import GapKind
from tests.conftest import ADMIN, BOT_TOKEN, OWNER, standin_fixture
from tests.databases import SqliteDatabases, scalar
from tests.support.processes import BotProcess, bot_env, free_port
from tests.support.slack_requests import SIGNING_SECRET, command_body, post_signed

pytestmark = pytest.mark.e2e
standin = standin_fixture(scope="module")

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@dataclass
class Bot:
    process: BotProcess
    http: httpx.Client
    database_url: str

    def command(self, text: str) -> httpx.Response:
        return post_signed(self.http, command_body(text, user_id=OWNER, response_url="http://x/"))

    def samples(self) -> Samples:
        text = self.http.get("/metrics").text
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    def execute(self, sql: str) -> None:
        engine = make_engine(self.database_url)
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(sql))
        finally:
            engine.dispose()


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


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
        LOG_FORMAT="json",
    )
    with (
        BotProcess(env, workdir) as process,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http,
    ):
        process.wait_for_health(port)
        yield Bot(process, http, database_url)


@pytest.fixture(scope="module")
def bot(
    sqlite_databases: SqliteDatabases,
    standin: SlackStandIn,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Bot]:
    with (
        sqlite_databases.fresh() as url,
        running_bot(url, standin, tmp_path_factory.mktemp("observed")) as running,
    ):
        yield running


def test_metrics_count_a_signed_command_and_a_refused_request_by_kind_and_outcome(
    bot: Bot,
) -> None:
    before = bot.samples()

    answered = bot.command("help")
    unsigned = bot.http.post(
        "/slack/events", content=command_body("help", user_id=OWNER, response_url="http://x/")
    )
    after = bot.samples()

    def added(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert (answered.status_code, unsigned.status_code) == (200, 401)
    assert added("boundary_slack_requests_total", kind="command", outcome="ok") == 1
    assert added("boundary_slack_requests_total", kind="unknown", outcome="refused") == 1
    assert added("boundary_slack_ack_seconds_count", kind="command") == 1
    assert added("boundary_slack_ack_seconds_count", kind="unknown") == 1
    assert added("boundary_slack_ack_seconds_bucket", kind="command", le="+Inf") == 1


def test_metrics_show_the_open_gaps_of_every_kind_once_counted_at_start(bot: Bot) -> None:
    deadline = time.monotonic() + 10
    while not value(samples := bot.samples(), "boundary_open_gaps_counted_timestamp_seconds"):
        assert time.monotonic() < deadline, "the open gaps were not counted at start"
        time.sleep(0.1)

    kinds = {dict(labels)["kind"] for name, labels in samples if name == "boundary_open_gaps"}
    assert kinds == {kind.value for kind in GapKind}


def test_healthz_and_readyz_are_200_when_the_bot_is_ready(bot: Bot) -> None:
    alive, ready = bot.http.get("/healthz"), bot.http.get("/readyz")

    assert (alive.status_code, alive.text) == (200, "ok")
    assert (ready.status_code, ready.text) == (200, "ready")


def test_readyz_is_503_while_the_schema_is_behind_and_healthz_stays_200(bot: Bot) -> None:
    current = scalar(bot.database_url, "select version_num from alembic_version")
    bot.execute("update alembic_version set version_num = '0001'")
    try:
        behind, alive = bot.http.get("/readyz"), bot.http.get("/healthz")
    finally:
        bot.execute(f"update alembic_version set version_num = '{current}'")

    assert behind.status_code == 503
    assert behind.text.startswith("database schema is behind by ")
    assert alive.status_code == 200
    assert bot.http.get("/readyz").status_code == 200


@contextmanager
def table_renamed(bot: Bot, table: str) -> Iterator[None]:
    """A database fault the bot cannot expect: a table it reads is gone for a moment."""
    bot.execute(f"alter table {table} rename to {table}_away")
    try:
        yield
    finally:
        bot.execute(f"alter table {table}_away rename to {table}")


def test_json_logs_carry_the_error_id_and_kind_and_never_a_secret_or_a_body(bot: Bot) -> None:
    marker = "e2e-never-logged"
    body = command_body(f"who {marker}", user_id=OWNER, response_url="http://x/")
    errors = value(bot.samples(), "boundary_slack_requests_total", kind="command", outcome="error")
    with table_renamed(bot, "integration"):
        failed = post_signed(bot.http, body)
    counted = bot.samples()
    refused = bot.http.post("/slack/events", content=body)  # unsigned: its body is not logged
    found = re.search(r"error id `([0-9a-f]+)`", failed.json()["text"])
    assert found is not None, failed.text
    log = bot.process.read_log()

    lines = [json.loads(line) for line in log.splitlines()]  # every line is one JSON object
    [error] = [line for line in lines if line.get("error_id") == found[1]]
    assert refused.status_code == 401
    assert value(counted, "boundary_slack_requests_total", kind="command", outcome="error") == (
        errors + 1
    )
    assert {"time", "level", "logger", "message"} <= set(error)
    assert (error["level"], error["request_kind"]) == ("ERROR", "command")
    assert "OperationalError" in error["exc_info"]
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    for never in (SIGNING_SECRET, BOT_TOKEN, body, marker):
        assert never not in log


def test_readyz_is_503_when_postgresql_is_gone(
    postgres_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    with running_bot(postgres_url, standin, tmp_path) as running:
        ready = running.http.get("/readyz")
        name = make_url(postgres_url).database
        admin = (
            make_url(postgres_url).set(database="postgres").render_as_string(hide_password=False)
        )
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

        gone, alive = running.http.get("/readyz"), running.http.get("/healthz")

    assert ready.status_code == 200
    assert (gone.status_code, gone.text) == (503, "database unavailable")
    assert alive.status_code == 200
