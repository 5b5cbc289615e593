"""The playground process: loopback only, its own database, generated secrets, the clock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.playground.runner import Playground, fires_on
from bot.settings import DEFAULT_DATABASE_URL

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
    with Playground(directory=tmp_path / "second", port=0) as second:
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


def test_nudge_schedule_fires_on_weekdays_only() -> None:
    friday, saturday = datetime(2026, 12, 4, 15, tzinfo=UTC), datetime(2026, 12, 5, 15, tzinfo=UTC)

    assert fires_on("30 9 * * mon-fri", friday)
    assert not fires_on("30 9 * * mon-fri", saturday)


def _first_line(command: list[str], env: dict[str, str]) -> str:
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        return process.stdout.readline()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _installed() -> bool:
    """Whether `make`'s install stamp is current, so `make run` will not start pip (which
    this test would interrupt)."""
    with (REPO / "pyproject.toml").open("rb") as source:
        checksum = subprocess.run(
            ["cksum"], stdin=source, capture_output=True, text=True, check=True
        ).stdout.split()[0]
    return (REPO / ".venv" / f".installed-{checksum}").exists()


def test_make_run_without_slack_settings_says_it_starts_the_playground() -> None:
    if (REPO / ".env").exists():
        pytest.skip("a .env may configure Slack, and then `make run` would serve it")
    if not _installed():
        pytest.skip("the virtualenv is not installed by make for this pyproject.toml")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("SLACK_")}

    first = _first_line(["make", "--no-print-directory", "run"], env)

    assert first.startswith("No Slack credentials configured")
    assert "playground" in first


def test_playground_command_prints_its_address_serves_it_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    # The console script installed next to this interpreter, as `make run` would start it.
    command = [str(Path(sys.executable).parent / "boundary-bot"), "playground", "--port", "0"]
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
