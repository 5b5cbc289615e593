"""`boundary-bot run` at start-up, as a real process: it asks Slack who it is (auth.test) before
serving, stops with one line naming the setting when Slack refuses the token or cannot be
reached (HTTP and Socket Mode), logs no bolt warning about an unused token, and in HTTP mode
stops cleanly on SIGTERM."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.playground.standin import SlackStandIn
from tests.conftest import BOT_TOKEN
from tests.support.processes import BotProcess, bot_env, free_port, run_bot

pytestmark = pytest.mark.e2e
# Nothing listens on port 1 of loopback: a connection there is refused at once.
UNREACHABLE = "http://127.0.0.1:1/api/"


def _env(database_url: str, api_url: str, **extra: str) -> dict[str, str]:
    return bot_env(
        database_url=database_url,
        api_url=api_url,
        bot_token=BOT_TOKEN,
        SLACK_SIGNING_SECRET="startup-signing-secret",
        LOG_LEVEL="INFO",
        **extra,
    )


def test_http_mode_stops_with_one_line_when_slack_refuses_the_bot_token(
    sqlite_url: str, tmp_path: Path, standin: SlackStandIn
) -> None:
    standin.token = "xoxb-the-real-one"  # Slack knows the bot by another token
    finished = run_bot(_env(sqlite_url, standin.api_url, PORT=str(free_port())), tmp_path)

    assert finished.returncode == 1
    [line] = finished.stderr.strip().splitlines()
    assert "refused SLACK_BOT_TOKEN: auth.test answered `invalid_auth`" in line
    assert BOT_TOKEN not in line


@pytest.mark.parametrize("mode", ["http", "socket"])
def test_an_unreachable_slack_stops_start_up_with_one_line_naming_host_and_setting(
    sqlite_url: str, tmp_path: Path, mode: str
) -> None:
    extra = {"SLACK_APP_TOKEN": "xapp-1-A0BOUNDARY-x"} if mode == "socket" else {}
    finished = run_bot(_env(sqlite_url, UNREACHABLE, PORT=str(free_port()), **extra), tmp_path)

    assert finished.returncode == 1
    [line] = finished.stderr.strip().splitlines()
    assert line.startswith("error: cannot reach Slack at 127.0.0.1:1")
    assert "SLACK_API_URL" in line


def test_http_mode_stops_cleanly_on_sigterm_without_an_unused_token_warning(
    sqlite_url: str, tmp_path: Path, standin: SlackStandIn
) -> None:
    """uvicorn re-raises the signal it caught once it has shut down; `run` must still stop its
    scheduler and exit 0 rather than die of the re-raised SIGTERM."""
    port = free_port()
    with BotProcess(_env(sqlite_url, standin.api_url, PORT=str(port)), tmp_path) as bot:
        bot.wait_for_health(port)
        code = bot.stop()
    checked = standin.calls("auth.test")

    text = bot.read_log()
    assert code == 0, text
    assert "scheduler stopped" in text
    assert checked, "the bot did not ask Slack who it is before serving"
    assert "will be unused" not in text
    assert "Traceback" not in text
