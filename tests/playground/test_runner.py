"""The playground process: loopback only, its own database, generated secrets, a clock that
starts when the playground starts and moves only with its buttons, and a free port."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.clock import ManualClock
from bot.playground.runner import Playground, fires_on
from bot.playground.seed import ADMIN, CHANNEL_ID
from bot.settings import DEFAULT_DATABASE_URL
from tests.conftest import NOW
from tests.support.processes import BOUNDARY_BOT, free_port

REPO = Path(__file__).resolve().parents[2]


def test_every_server_listens_on_loopback_only(playground: Playground) -> None:
    assert playground.url.startswith("http://127.0.0.1:")
    assert playground.standin is not None
    assert playground.standin.base_url.startswith("http://127.0.0.1:")
    assert {server.sock.getsockname()[0] for server in playground._servers} == {"127.0.0.1"}


def test_playground_database_is_its_own_file_not_the_operators(
    playground: Playground, tmp_path: Path
) -> None:
    assert playground.runtime is not None
    url = playground.runtime.settings.database_url

    assert url != DEFAULT_DATABASE_URL
    assert url.endswith(str(tmp_path / "playground" / "playground.db"))


def test_slack_secrets_are_generated_per_run(playground: Playground, tmp_path: Path) -> None:
    assert playground.runtime is not None
    first = playground.runtime.settings.slack_signing_secret
    with Playground(directory=tmp_path / "second", port=0, clock=ManualClock(NOW)) as second:
        assert second.runtime is not None
        assert second.runtime.settings.slack_signing_secret != first


def test_page_and_its_scripts_are_served_by_the_playground(playground: Playground) -> None:
    page = httpx.get(playground.url)
    script = httpx.get(playground.url + "static/blockkit.js")

    assert page.status_code == 200
    assert "boundary-bot playground" in page.text
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]


def test_request_for_another_host_name_is_refused(playground: Playground) -> None:
    answer = httpx.get(playground.url, headers={"Host": "attacker.example"})

    assert answer.status_code == 400


def test_command_as_an_unknown_user_is_refused(playground: Playground) -> None:
    answer = httpx.post(playground.url + "api/command", json={"user": "U0NOBODY", "text": "x"})

    assert answer.status_code == 400


def test_moving_the_clock_a_day_moves_it_24_hours(playground: Playground) -> None:
    before = playground.clock.now()

    answer = httpx.post(playground.url + "api/clock", json={"days": 1}, timeout=30).json()

    assert answer["ok"] is True
    assert (playground.clock.now() - before).days == 1


def test_playground_clock_starts_at_the_wall_clock_and_then_stands_still(tmp_path: Path) -> None:
    before = datetime.now(UTC)
    playground = Playground(directory=tmp_path / "pg", port=0)
    after = datetime.now(UTC)

    started = playground.clock.now()

    assert before <= started <= after
    assert playground.clock.now() == started


def test_a_week_escalates_to_the_channel_and_the_backup_owner_whatever_todays_date(
    tmp_path: Path,
) -> None:
    # Years before any real today: demo data dated by the wall clock would look like the
    # owner acted after every digest of the week, and nothing would escalate.
    monday = datetime(2001, 1, 1, 14, 30, tzinfo=UTC)
    clock = ManualClock(monday)
    with Playground(directory=tmp_path / "pg", port=0, clock=clock) as playground:
        playground.advance_clock(7)
        assert playground.standin is not None
        channel = [m.text for m in playground.standin.messages(CHANNEL_ID)]
        backup = [
            m.text
            for m in playground.standin.messages(playground.standin.dm_channel(ADMIN.user_id))
        ]

    assert any("boundary-review digests with no action" in text for text in channel)
    assert any(text.startswith("You are the backup owner") for text in backup)


@contextmanager
def _port_taken() -> Iterator[int]:
    """A port on 127.0.0.1 that something else is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


def test_taken_port_serves_on_the_next_free_one_and_says_which(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        _port_taken() as taken,
        caplog.at_level(logging.WARNING, logger="bot.playground.runner"),
        Playground(directory=tmp_path / "pg", port=taken, clock=ManualClock(NOW)) as playground,
    ):
        served = int(playground.url.rstrip("/").rsplit(":", 1)[1])
        page = httpx.get(playground.url)

    assert served > taken
    assert page.status_code == 200
    assert f"port {taken} is in use, serving on {served}" in caplog.messages


def test_nudge_schedule_fires_on_weekdays_only() -> None:
    friday, saturday = datetime(2026, 12, 4, 15, tzinfo=UTC), datetime(2026, 12, 5, 15, tzinfo=UTC)

    assert fires_on("30 9 * * mon-fri", friday)
    assert not fires_on("30 9 * * mon-fri", saturday)


def _lines_until(command: list[str], env: dict[str, str], last: str, cwd: Path = REPO) -> list[str]:
    """The process's first lines of output, up to the one starting with `last` (at most 6)."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        while len(lines) < 6 and not (lines and lines[-1].startswith(last)):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
        return lines
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _first_line(command: list[str], env: dict[str, str]) -> str:
    return _lines_until(command, env, last="")[0]


def _without_slack_settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("SLACK_")}


def _installed() -> bool:
    """Whether `make run`'s install is current (make says so), so `make run` will not start
    pip (which this test would interrupt)."""
    asked = ["make", "--question", "--no-print-directory", "install-runtime"]
    return subprocess.run(asked, cwd=REPO, capture_output=True, check=False).returncode == 0


def test_make_run_without_slack_settings_says_it_starts_the_playground() -> None:
    if (REPO / ".env").exists():
        pytest.skip("a .env may configure Slack, and then `make run` would serve it")
    if not _installed():
        pytest.skip("the virtualenv is not installed by make for this pyproject.toml")
    first = _first_line(["make", "--no-print-directory", "run"], _without_slack_settings())

    assert first.startswith("No Slack credentials configured")
    assert "playground" in first


def test_make_run_with_a_port_serves_the_playground_on_that_port() -> None:
    if (REPO / ".env").exists():
        pytest.skip("a .env may configure Slack, and then `make run` would serve it")
    if not _installed():
        pytest.skip("the virtualenv is not installed by make for this pyproject.toml")
    port = free_port()

    command = ["make", "--no-print-directory", "run", f"PORT={port}"]
    lines = _lines_until(command, _without_slack_settings(), last="Open ")

    assert lines[-1].startswith(f"Open http://127.0.0.1:{port}/"), lines


def test_playground_command_says_which_port_it_serves_on_when_its_own_is_taken(
    tmp_path: Path,
) -> None:
    command = [str(BOUNDARY_BOT), "playground"]
    command += ["--directory", str(tmp_path / "pg")]
    with _port_taken() as taken:
        lines = _lines_until([*command, "--port", str(taken)], dict(os.environ), "Open ", tmp_path)

    served = int(lines[-1].split()[1].rstrip("/").rsplit(":", 1)[1])
    assert served > taken
    assert any(f"port {taken} is in use, serving on {served}" in line for line in lines), lines


def test_playground_command_prints_its_address_serves_it_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    command = [str(BOUNDARY_BOT), "playground", "--port", "0"]
    command += ["--directory", str(tmp_path / "pg")]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(2)]
        address = lines[1].split()[1]
        page = httpx.get(address)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)

    assert lines[0].startswith("Starting the boundary-bot playground")
    assert address.startswith("http://127.0.0.1:")
    assert page.status_code == 200
    assert process.returncode == 0
    assert (tmp_path / "pg" / "playground.db").exists()
