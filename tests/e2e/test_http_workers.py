"""BOUNDARY_HTTP_WORKERS: `boundary-bot run` in HTTP mode as uvicorn's supervisor with worker
processes sharing the port and one PostgreSQL database, and the scheduler in the supervisor
only."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from bot.playground.standin import SlackStandIn
from tests.conftest import ADMIN, BOT_TOKEN, OWNER
from tests.databases import scalar
from tests.support.processes import BotProcess, bot_env, free_port
from tests.support.slack_requests import SIGNING_SECRET, command_body, post_signed

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
WORKERS = 2


def _workers_of(pid: int) -> list[int]:
    """The supervisor's child processes that run a uvicorn worker (multiprocessing's spawn)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = []
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except FileNotFoundError:
            continue
        if b"multiprocessing" in command and b"spawn_main" in command:
            found.append(int(child))
    return found


def test_two_workers_share_the_database_and_the_scheduler_starts_once(
    postgres_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    port = free_port()
    env = bot_env(
        database_url=postgres_url,
        api_url=standin.api_url,
        bot_token=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PORT=str(port),
        BOUNDARY_ADMINS=ADMIN,
        BOUNDARY_HTTP_WORKERS=str(WORKERS),
    )
    with (
        BotProcess(env, tmp_path) as bot,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http,
    ):
        bot.wait_for_health(port, timeout=40)
        workers = _workers_of(bot.process.pid)

        def command(text: str) -> httpx.Response:
            body = command_body(text, user_id=OWNER, response_url=standin.response_url())
            # A new connection each time, so that the workers take turns accepting them.
            return post_signed(http, body, Connection="close")

        registered = command("register workers-platform platform")
        answers = [command("who workers-platform") for _ in range(20)]

        assert len(workers) == WORKERS, bot.read_log()
        assert "Registered `workers-platform`" in registered.json()["text"]
        assert {answer.status_code for answer in answers} == {200}
        assert all(f"owner <@{OWNER}>" in str(answer.json()["blocks"]) for answer in answers)
        assert scalar(postgres_url, "select count(*) from integration") == 1
        bot.process.send_signal(signal.SIGTERM)
        assert bot.process.wait(timeout=30) == 0
    log = bot.read_log()
    assert f"{WORKERS} worker processes" in log
    assert log.count("scheduler started") == 1, log
    assert not any(Path(f"/proc/{worker}").exists() for worker in workers)
