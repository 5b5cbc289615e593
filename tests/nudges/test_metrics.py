"""The nudge and gap metrics, counted by the real cycle against the stand-in and by the
scheduler's gap-count job: a digest that fails and is sent by a later run counts one failure,
one send and one retry; the open-gaps gauge has every kind, and when it was counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from bot.scheduler import count_open_gaps
from storage.vocabulary import GapKind
from tests.nudges.conftest import Cycles, add_owner

OWNER = "U0COUNTED"
LA_0930 = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)


def _sample(runtime: Runtime, name: str, **labels: str) -> float | None:
    return runtime.metrics.registry.get_sample_value(name, labels)


def test_a_failed_digest_sent_by_a_later_run_counts_a_failure_a_send_and_a_retry(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER, integration="counted-int")
    standin.fail("chat.postMessage", error="channel_not_found")  # not delivered, no SDK retry
    clock.set(LA_0930)

    first = cycles.run()
    clock.advance(timedelta(minutes=5))
    second = cycles.run()

    assert (first.failed, second.sent) == (1, 1)
    assert _sample(nudge_runtime, "boundary_nudges_total", outcome="failed") == 1
    assert _sample(nudge_runtime, "boundary_nudges_total", outcome="sent") == 1
    assert _sample(nudge_runtime, "boundary_nudge_retries_total") == 1


def test_a_digest_sent_the_first_time_is_no_retry(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER, integration="counted-int")
    clock.set(LA_0930)

    cycles.run()

    assert _sample(nudge_runtime, "boundary_nudges_total", outcome="sent") == 1
    assert _sample(nudge_runtime, "boundary_nudges_total", outcome="failed") == 0
    assert _sample(nudge_runtime, "boundary_nudge_retries_total") == 0


def test_the_gap_count_sets_every_kind_and_when_it_counted(
    nudge_runtime: Runtime, standin: SlackStandIn, clock: ManualClock
) -> None:
    add_owner(
        nudge_runtime, standin, OWNER, integration="counted-int", identities=("a@x.com", "b@x.com")
    )

    count_open_gaps(nudge_runtime)

    gauge = {
        kind.value: _sample(nudge_runtime, "boundary_open_gaps", kind=kind.value)
        for kind in GapKind
    }
    assert gauge == {kind.value: 2 if kind is GapKind.UNDECLARED else 0 for kind in GapKind}
    counted = _sample(nudge_runtime, "boundary_open_gaps_counted_timestamp_seconds")
    assert counted == clock.now().timestamp()
