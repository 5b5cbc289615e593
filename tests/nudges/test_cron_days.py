"""Schedules use standard cron's day-of-week numbers (Sunday = 0 or 7), which APScheduler alone
would read from Monday = 0: the settings rewrite them to day names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.settings import Settings, SettingsError, load_settings

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)
SCHEDULES = ("BOUNDARY_NUDGE_SCHEDULE", "BOUNDARY_SYNC_SCHEDULE", "BOUNDARY_ORPHAN_SCHEDULE")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no developer's .env
    for name in SCHEDULES:
        monkeypatch.delenv(name, raising=False)


def _schedule(value: str) -> str:
    settings = Settings(_env_file=None, BOUNDARY_NUDGE_SCHEDULE=value)  # type: ignore[call-arg]
    return settings.nudge_schedule


def _weekdays_fired(schedule: str) -> list[str]:
    """The days of the week (Monday 30 November 2026 on) on which the schedule fires."""
    trigger = CronTrigger.from_crontab(schedule, timezone=UTC)
    fired = []
    for offset in range(7):
        midnight = MONDAY + timedelta(days=offset)
        fire = trigger.get_next_fire_time(None, midnight)
        if fire is not None and fire.date() == midnight.date():
            fired.append(midnight.strftime("%a"))
    return fired


@pytest.mark.parametrize(
    ("day_of_week", "rewritten", "days"),
    [
        ("1-5", "mon-fri", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
        ("0", "sun", ["Sun"]),
        ("7", "sun", ["Sun"]),
        ("6,0", "sat,sun", ["Sat", "Sun"]),
        ("6-7", "sat,sun", ["Sat", "Sun"]),
        ("0-3", "mon-wed,sun", ["Mon", "Tue", "Wed", "Sun"]),
        ("*/2", "tue,thu,sat,sun", ["Tue", "Thu", "Sat", "Sun"]),
        ("1-5/2", "mon,wed,fri", ["Mon", "Wed", "Fri"]),
        ("0-7", "*", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
    ],
)
def test_numeric_days_mean_what_standard_cron_means(
    day_of_week: str, rewritten: str, days: list[str]
) -> None:
    schedule = _schedule(f"30 9 * * {day_of_week}")

    assert schedule == f"30 9 * * {rewritten}"
    assert _weekdays_fired(schedule) == days


@pytest.mark.parametrize("value", ["30 9 * * mon-fri", "0 6 * * *", "*/15 9-17 1 * sat,sun"])
def test_names_and_stars_are_kept_as_written(value: str) -> None:
    assert _schedule(value) == value


@pytest.mark.parametrize("day_of_week", ["8", "5-1", "1/2", "*/0", "mon,3", "L"])
def test_a_day_of_week_cron_would_not_read_the_same_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, day_of_week: str
) -> None:
    monkeypatch.setenv("BOUNDARY_NUDGE_SCHEDULE", f"30 9 * * {day_of_week}")

    with pytest.raises(SettingsError) as error:
        load_settings(env_file=None)

    message = str(error.value)
    assert "\n" not in message
    assert "BOUNDARY_NUDGE_SCHEDULE" in message


def test_every_schedule_setting_gets_standard_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOUNDARY_SYNC_SCHEDULE", "0 5 * * 1")
    monkeypatch.setenv("BOUNDARY_ORPHAN_SCHEDULE", "0 6 * * 0")

    settings = load_settings(env_file=None)

    assert (settings.sync_schedule, settings.orphan_schedule) == ("0 5 * * mon", "0 6 * * sun")
