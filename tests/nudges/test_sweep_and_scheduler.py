"""`boundary-bot sweep --dry-run` and the scheduler's jobs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.nudges.messenger import Messenger
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from bot.scheduler import build_scheduler
from tests.nudges.conftest import add_owner

OWNER = "U0SWEEPER"


def test_sweep_dry_run_prints_who_would_get_what_and_sends_nothing(
    nudge_runtime: Runtime,
    standin: SlackStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_owner(nudge_runtime, standin, OWNER, integration="sweep-int")
    monkeypatch.chdir(tmp_path)  # no developer's .env
    env = {
        "DATABASE_URL": str(nudge_runtime.engine.url.render_as_string(hide_password=False)),
        "SLACK_API_URL": standin.api_url,
    }
    standin.state.calls.clear()

    result = CliRunner().invoke(app, ["sweep", "--dry-run"], env=env)

    assert result.exit_code == 0, result.output
    assert OWNER in result.output
    assert "1 undeclared" in result.output
    assert "would send 1 digest; nothing was sent" in result.output
    assert standin.calls() == []


def test_scheduler_has_the_nudge_orphan_sync_and_gap_count_jobs(
    nudge_runtime: Runtime, messenger: Messenger
) -> None:
    scheduler = build_scheduler(nudge_runtime, messenger=messenger)

    jobs = {job.id: str(job.trigger) for job in scheduler.get_jobs()}

    assert jobs == {
        "nudge-cycle": "cron[minute='*/5']",
        "orphan-check": "cron[month='*', day='*', day_of_week='*', hour='6', minute='0']",
        "connector-sync": "cron[month='*', day='*', day_of_week='*', hour='5', minute='0']",
        "gap-count": "interval[0:10:00]",
    }
