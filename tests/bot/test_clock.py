"""A manual clock starts where it is told and moves only when told: it never reads the wall
clock, so the playground and tests see the same time on any date."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock

LONG_AGO = datetime(2001, 1, 1, 9, 30, tzinfo=UTC)


def test_manual_clock_stays_at_its_start_while_real_time_passes() -> None:
    clock = ManualClock(LONG_AGO)
    time.sleep(0.01)

    assert clock.now() == LONG_AGO


def test_advancing_moves_it_by_exactly_that_much() -> None:
    clock = ManualClock(LONG_AGO)

    moved = clock.advance(timedelta(days=7))

    assert moved == clock.now() == LONG_AGO + timedelta(days=7)


def test_setting_it_jumps_to_that_moment() -> None:
    clock = ManualClock(LONG_AGO)
    clock.advance(timedelta(hours=3))
    later = datetime(2030, 6, 1, tzinfo=UTC)

    clock.set(later)

    assert clock.now() == later


def test_manual_clock_refuses_a_moment_without_a_time_zone() -> None:
    with pytest.raises(ValueError, match="aware"):
        ManualClock(datetime(2001, 1, 1, 9, 30))
