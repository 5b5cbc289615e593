"""`boundary-bot run` at start-up, as a real process: it asks Slack who it is (auth.test) before
serving, stops with one line naming the setting when Slack refuses the token or cannot be
reached (HTTP and Socket Mode), logs no bolt warning about an unused token, and in HTTP mode
stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.slack_standin import SlackStandIn

pytestmark = pytest.mark.e2e
BOT_TOKEN = "xoxb-startup-e2e"
BOT = Path(sys.executable).parent / "boundary-bot"
# Nothing listens on port 1 of loopback: a connection there is refused at once.
UNREACHABLE = "http://127.0.0.1:1/api/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(database_url: str, api_url: str, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_API_URL": api_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "startup-signing-secret",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "INFO",
        **extra,
    }


def _start_up(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # A working directory of its own, so no developer's .env is read.
    return subprocess.run(
        [str(BOT), "run"], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_http_mode_stops_with_one_line_when_slack_refuses_the_bot_token(
    sqlite_url: str, tmp_path: Path
) -> None:
    with SlackStandIn(token="xoxb-the-real-one") as standin:
        finished = _start_up(_env(sqlite_url, standin.api_url, PORT=str(_free_port())), tmp_path)

    assert finished.returncode == 1
    [line] = finished.stderr.strip().splitlines()
    assert "refused SLACK_BOT_TOKEN: auth.test answered `invalid_auth`" in line
    assert BOT_TOKEN not in line


@pytest.mark.parametrize("mode", ["http", "socket"])
def test_an_unreachable_slack_stops_start_up_with_one_line_naming_host_and_setting(
    sqlite_url: str, tmp_path: Path, mode: str
) -> None:
    extra = {"SLACK_APP_TOKEN": "xapp-1-A0BOUNDARY-x"} if mode == "socket" else {}
    finished = _start_up(_env(sqlite_url, UNREACHABLE, PORT=str(_free_port()), **extra), tmp_path)

    assert finished.returncode == 1
    [line] = finished.stderr.strip().splitlines()
    assert line.startswith("error: cannot reach Slack at 127.0.0.1:1")
    assert "SLACK_API_URL" in line


def test_http_mode_stops_cleanly_on_sigterm_without_an_unused_token_warning(
    sqlite_url: str, tmp_path: Path
) -> None:
    """uvicorn re-raises the signal it caught once it has shut down; `run` must still stop its
    scheduler and exit 0 rather than die of the re-raised SIGTERM."""
    port = _free_port()
    log = tmp_path / "bot.log"
    with SlackStandIn(token=BOT_TOKEN) as standin:
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(BOT), "run"],
                env=_env(sqlite_url, standin.api_url, PORT=str(port)),
                cwd=tmp_path,
                stdout=output,
                stderr=output,
            )
        try:
            _wait_for_health(port, process)
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        checked = standin.calls("auth.test")

    text = log.read_text()
    assert code == 0, text
    assert "scheduler stopped" in text
    assert checked, "the bot did not ask Slack who it is before serving"
    assert "will be unused" not in text
    assert "Traceback" not in text


def _wait_for_health(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise TimeoutError("the bot did not start")
