"""The nudge cycle against the Slack stand-in: who gets a digest, when, and what it says."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.clock import ManualClock
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from handlers.ids import Action
from storage.models import Nudge
from storage.vocabulary import Layer, NudgeState, ScimStatus
from tests.nudges.conftest import LOS_ANGELES, TOKYO, Cycles, add_owner, digests_to

OWNER_LA = "U0LAOWNER"
OWNER_TOKYO = "U0TKOWNER"
# Monday 30 November 2026, 09:30 in each owner's zone.
LA_0930 = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
TOKYO_0930 = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)


def test_digest_names_integration_identity_and_why_with_buttons(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(
        nudge_runtime,
        standin,
        OWNER_LA,
        integration="acme-tenant",
        layer=Layer.APPLICATION,
        scim=ScimStatus.PLATFORM_ONLY,
        identities=("ana@acme.com", "bo@acme.com"),
    )
    clock.set(LA_0930)

    report = cycles.run()

    assert report.sent == 1
    [message] = standin.messages(standin.dm_channel(OWNER_LA))
    assert message.text.startswith("Boundary review: 3 open items")
    rendered = json.dumps(message.blocks, ensure_ascii=False)
    assert "*acme-tenant* · `ana@acme.com`: undeclared: active, and no lane has been declared" in (
        rendered
    )
    assert "platform SCIM never provisions or deprovisions customers" in rendered
    buttons = [
        e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [Action.REVIEW_NOW, Action.SNOOZE_DAY, Action.SNOOZE_WEEK, Action.OPEN_HOME]


def test_owner_with_nothing_open_gets_no_digest(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER_LA, integration="quiet", identities=())
    clock.set(LA_0930)

    report = cycles.run()

    assert (report.sent, report.nothing_open) == (0, 1)
    assert standin.calls("chat.postMessage") == []


def test_tokyo_and_los_angeles_owners_get_theirs_at_their_own_0930(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER_LA, integration="la-int", tz=LOS_ANGELES)
    add_owner(nudge_runtime, standin, OWNER_TOKYO, integration="tokyo-int", tz=TOKYO)

    moments = {}
    for minutes in range(0, 24 * 60, 5):  # every scheduler tick of Monday, UTC
        clock.set(datetime(2026, 11, 30, tzinfo=UTC) + timedelta(minutes=minutes))
        if cycles.run().sent:
            moments[clock.now()] = sorted(
                owner for owner in (OWNER_LA, OWNER_TOKYO) if len(digests_to(standin, owner))
            )

    assert moments == {TOKYO_0930: [OWNER_TOKYO], LA_0930: [OWNER_LA, OWNER_TOKYO]}
    assert len(digests_to(standin, OWNER_LA)) == len(digests_to(standin, OWNER_TOKYO)) == 1


def test_no_digest_before_0930_at_night_or_on_weekends(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER_LA, integration="la-int", tz=LOS_ANGELES)

    for moment in (
        LA_0930 - timedelta(minutes=1),  # 09:29
        LA_0930 + timedelta(hours=13),  # 22:30, long after the catch-up window
        datetime(2026, 11, 28, 17, 30, tzinfo=UTC),  # Saturday 09:30
        datetime(2026, 11, 29, 17, 30, tzinfo=UTC),  # Sunday 09:30
    ):
        clock.set(moment)
        assert cycles.run().sent == 0, moment
    assert standin.calls("chat.postMessage") == []


def test_a_second_run_the_same_day_sends_nothing(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER_LA, integration="la-int")
    clock.set(LA_0930)
    cycles.run()

    clock.advance(timedelta(minutes=5))
    again = cycles.run()

    assert (again.sent, again.handled) == (0, 1)
    assert len(digests_to(standin, OWNER_LA)) == 1


def test_sweep_sends_now_and_the_scheduled_run_that_day_does_not_send_again(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER_LA, integration="la-int")
    clock.set(LA_0930 - timedelta(hours=3))  # 06:30 in Los Angeles

    assert cycles.run().sent == 0
    assert cycles.run(force=True).sent == 1
    clock.set(LA_0930)
    assert cycles.run().sent == 0
    assert len(digests_to(standin, OWNER_LA)) == 1


def test_dry_run_plans_and_sends_nothing(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER_LA, integration="la-int")
    standin.state.calls.clear()

    report = cycles.run(force=True, dry_run=True)

    assert [(d.owner, d.total) for d in report.digests] == [(OWNER_LA, 1)]
    assert standin.calls() == []
    with nudge_runtime.unit_of_work() as session:
        assert session.exec(select(Nudge)).all() == []


def test_ledger_records_sent_digest_with_its_message_ts(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER_LA, integration="la-int")
    clock.set(LA_0930)

    cycles.run()

    [message] = standin.messages(standin.dm_channel(OWNER_LA))
    with nudge_runtime.unit_of_work() as session:
        [row] = session.exec(select(Nudge)).all()
    assert (row.owner, row.cycle, row.state, row.message_ts, row.channel) == (
        OWNER_LA,
        "2026-11-30",
        NudgeState.SENT,
        message.ts,
        message.channel,
    )
