"""Shutting down in the middle of a paced loop: the nudge cycle's and the orphan check's Slack
lookups (1.5 a second: minutes for thousands of owners) stop at their next wait once the
runtime is stopping, instead of keeping the process alive after SIGTERM."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from bot.nudges.messenger import Messenger
from bot.nudges.pacing import Pacer, Stopping
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from bot.scheduler import nudge_tick, orphan_check
from tests.nudges.conftest import add_owner

OWNERS = [f"U0STOP{n:04d}" for n in range(4)]


def test_a_pacer_without_a_stop_event_waits_out_its_interval() -> None:
    slept: list[float] = []
    pacer = Pacer(2.0, monotonic=lambda: 0.0, sleep=slept.append)

    pacer.wait()
    pacer.wait()

    assert slept == [0.5]


def test_a_set_stop_event_ends_a_long_wait_at_once() -> None:
    stop = threading.Event()
    pacer = Pacer(0.1, stop=stop)  # one call every 10 s
    pacer.wait()  # the first slot is free
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()

    with pytest.raises(Stopping):
        pacer.wait()

    assert time.monotonic() - started < 5


def test_a_stopping_runtime_asks_slack_about_nobody_and_sends_nothing(
    nudge_runtime: Runtime,
    standin: SlackStandIn,
    messenger: Messenger,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for n, owner in enumerate(OWNERS):
        add_owner(nudge_runtime, standin, owner, integration=f"stopping-{n}")
    nudge_runtime.stopping.set()
    started = time.monotonic()

    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        nudge_tick(nudge_runtime, messenger)
        orphan_check(nudge_runtime, messenger)

    # Real pacing (1.5 lookups a second) would take seconds for four owners, twice.
    assert time.monotonic() - started < 2
    assert standin.calls("users.info") == []
    assert standin.calls("chat.postMessage") == []
    assert "nudge cycle stopped for shutdown" in caplog.text
    assert "orphan check stopped for shutdown" in caplog.text
    assert "Traceback" not in caplog.text
