"""Slack faults during a cycle: 429 with Retry-After, 5xx, a gone owner, a refused token."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.clock import ManualClock
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from storage.models import Integration, Nudge, SlackUser
from storage.vocabulary import NudgeState
from tests.nudges.conftest import Cycles, add_owner, digests_to

FIRST = "U0FIRST01"
SECOND = "U0SECOND2"
LA_0930 = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)


def _two_owners(runtime: Runtime, standin: SlackStandIn) -> None:
    add_owner(runtime, standin, FIRST, integration="first-int")
    add_owner(runtime, standin, SECOND, integration="second-int")


def _to(user: str) -> object:
    return lambda params: params.get("channel") == user


def _state(runtime: Runtime, owner: str) -> tuple[NudgeState, str | None, int]:
    with runtime.unit_of_work() as session:
        row = session.exec(select(Nudge).where(Nudge.owner == owner)).one()
    return row.state, row.error, row.attempts


def test_429_waits_for_retry_after_then_sends_once(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, FIRST, integration="first-int")
    standin.fail("chat.postMessage", status=429, retry_after=1)
    clock.set(LA_0930)

    report = cycles.run()

    calls = standin.calls("chat.postMessage")
    assert report.sent == 1
    assert len(calls) == 2
    assert calls[1].at - calls[0].at >= 1.0  # slack-sdk honoured Retry-After
    assert len(digests_to(standin, FIRST)) == 1


def test_500_is_retried_with_backoff_and_sent(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, FIRST, integration="first-int")
    standin.fail("chat.postMessage", status=500)
    clock.set(LA_0930)

    report = cycles.run()

    assert report.sent == 1
    assert len(standin.calls("chat.postMessage")) == 2
    assert _state(nudge_runtime, FIRST)[0] == NudgeState.SENT


def test_persistent_500_is_recorded_failed_and_sent_by_a_later_run(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, FIRST, integration="first-int")
    standin.fail("chat.postMessage", status=500, times=3)  # the first try and both retries
    clock.set(LA_0930)

    first = cycles.run()
    failed = _state(nudge_runtime, FIRST)
    clock.advance(timedelta(minutes=5))
    second = cycles.run()

    assert (first.failed, first.sent) == (1, 0)
    assert failed[:2] == (NudgeState.FAILED, "internal_error")
    assert second.sent == 1
    assert _state(nudge_runtime, FIRST) == (NudgeState.SENT, None, 2)
    assert len(digests_to(standin, FIRST)) == 1


@pytest.mark.parametrize("error", ["account_inactive", "user_not_found"])
def test_gone_owner_is_marked_inactive_and_not_tried_again(
    nudge_runtime: Runtime,
    standin: SlackStandIn,
    cycles: Cycles,
    clock: ManualClock,
    error: str,
) -> None:
    _two_owners(nudge_runtime, standin)
    standin.fail("chat.postMessage", error=error, when=_to(FIRST))
    clock.set(LA_0930)

    report = cycles.run()
    clock.advance(timedelta(minutes=5))
    again = cycles.run()

    assert (report.owners_gone, report.sent) == ([FIRST], 1)
    with nudge_runtime.unit_of_work() as session:
        integration = session.exec(select(Integration).where(Integration.owner == FIRST)).one()
        user = session.get(SlackUser, FIRST)
    assert integration.owner_active is False
    assert user is not None
    assert user.is_active is False
    assert (again.sent, again.failed, again.owners_gone) == (0, 0, [])
    assert len(standin.calls("chat.postMessage")) == 2  # FIRST once, SECOND once


def test_invalid_auth_stops_the_cycle_with_one_clear_log_line(
    nudge_runtime: Runtime,
    standin: SlackStandIn,
    cycles: Cycles,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _two_owners(nudge_runtime, standin)
    standin.fail("chat.postMessage", error="invalid_auth")
    clock.set(LA_0930)

    with caplog.at_level(logging.INFO, logger="bot.nudges"):
        report = cycles.run()

    assert report.stopped == "invalid_auth"
    assert len(standin.calls("chat.postMessage")) == 1  # the second owner was not tried
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "Slack refused the bot token (invalid_auth)" in errors[0].getMessage()
    assert "xoxb" not in caplog.text
    # The refused digest stays in the ledger and goes out once the token works again.
    clock.advance(timedelta(minutes=5))
    assert cycles.run().sent == 2
