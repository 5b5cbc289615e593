"""Snoozes silence an owner until a moment; N digests with no action escalate once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.authorization import Actor
from bot.clock import ManualClock
from bot.declarations import declare, declare_remaining
from bot.errors import NotAllowed
from bot.nudges.escalation import ESCALATED
from bot.nudges.snooze import SNOOZE_DAY, SNOOZE_WEEK, snooze
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from storage.models import AuditEvent, Identity, Snooze
from storage.vocabulary import Answer
from tests.nudges.conftest import ESCALATIONS, Cycles, add_owner, digests_to

OWNER = "U0OWNERAA"
BACKUP = "U0BACKUPA"
MONDAY_0930 = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)  # Los Angeles


def _weekday(n: int) -> datetime:
    """The n-th weekday's 09:30 in Los Angeles, counting from Monday 30 November."""
    day = MONDAY_0930
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def test_snooze_is_recorded_with_who_and_until(nudge_runtime: Runtime, clock: ManualClock) -> None:
    with nudge_runtime.unit_of_work() as session:
        snooze(session, user_id=OWNER, owner=OWNER, length=SNOOZE_WEEK, now=MONDAY_0930)
    with nudge_runtime.unit_of_work() as session:
        [row] = session.exec(select(Snooze)).all()
    assert (row.owner, row.created_by, row.until) == (
        OWNER,
        OWNER,
        MONDAY_0930 + timedelta(days=7),
    )


def test_only_the_digest_owner_can_snooze_it(nudge_runtime: Runtime) -> None:
    with nudge_runtime.unit_of_work() as session, pytest.raises(NotAllowed):
        snooze(session, user_id=BACKUP, owner=OWNER, length=SNOOZE_DAY, now=MONDAY_0930)


def test_a_snooze_skips_every_cycle_scheduled_before_it_ends(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER, integration="la-int")
    clock.set(MONDAY_0930)
    cycles.run()
    with nudge_runtime.unit_of_work() as session:
        snooze(  # at 10:00 on Monday, until 10:00 on Tuesday
            session,
            user_id=OWNER,
            owner=OWNER,
            length=SNOOZE_DAY,
            now=MONDAY_0930 + timedelta(minutes=30),
        )

    clock.set(_weekday(1))
    tuesday = cycles.run()
    # The snooze has ended, and the catch-up window is still open: Tuesday's 09:30 fell inside
    # the snooze, so the next digest is Wednesday's, not a late Tuesday one.
    clock.set(_weekday(1) + timedelta(minutes=30))
    later_tuesday = cycles.run()
    clock.set(_weekday(2))
    wednesday = cycles.run()

    assert (tuesday.snoozed, later_tuesday.snoozed) == (1, 1)
    assert (tuesday.sent, later_tuesday.sent, wednesday.sent) == (0, 0, 1)
    assert len(digests_to(standin, OWNER)) == 2


def _escalations(standin: SlackStandIn) -> list[str]:
    return [m.text for m in standin.messages(ESCALATIONS)]


def test_escalates_once_after_three_digests_without_action(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER, integration="la-int", backup=BACKUP)

    for day in range(5):  # Monday to Friday
        clock.set(_weekday(day))
        report = cycles.run()
        assert report.sent == 1
        assert report.escalated == ([OWNER] if day == 3 else []), day

    [posted] = _escalations(standin)
    assert f"<@{OWNER}> has had 3 boundary-review digests" in posted
    assert "*la-int* (backup <@U0BACKUPA>): 1 undeclared" in posted
    [to_backup] = standin.messages(standin.dm_channel(BACKUP))
    assert "You are the backup owner of *la-int*" in to_backup.text
    with nudge_runtime.unit_of_work() as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == ESCALATED)).all()
    assert event.detail["owner"] == OWNER


def test_escalation_resets_when_the_owner_acts(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(
        nudge_runtime,
        standin,
        OWNER,
        integration="la-int",
        backup=BACKUP,
        identities=("a@corp.com", "b@corp.com"),
    )
    for day in range(4):
        clock.set(_weekday(day))
        cycles.run()
    assert len(_escalations(standin)) == 1
    # The owner acts on Thursday afternoon: declares one identity (one still open).
    with nudge_runtime.unit_of_work() as session:
        first = session.exec(select(Identity).order_by(Identity.external_id)).first()
        assert first is not None
        declare(
            session,
            actor=Actor(OWNER),
            identity_id=first.id or 0,
            answer=Answer.WORKFORCE,
            now=_weekday(3) + timedelta(hours=4),
        )

    escalated_on = []
    for day in range(4, 10):  # Friday, then the next week
        clock.set(_weekday(day))
        if cycles.run().escalated:
            escalated_on.append(day)

    assert escalated_on == [7]  # three digests (Fri, Mon, Tue) after acting, then Wednesday
    assert len(_escalations(standin)) == 2


def test_closing_everything_stops_the_digests(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER, integration="la-int")
    clock.set(MONDAY_0930)
    cycles.run()
    with nudge_runtime.unit_of_work() as session:
        declare_remaining(
            session,
            actor=Actor(OWNER),
            integration_name="la-int",
            answer=Answer.WORKFORCE,
            now=clock.now(),
        )

    clock.set(_weekday(1))
    report = cycles.run()

    assert (report.sent, report.nothing_open) == (0, 1)
    assert len(digests_to(standin, OWNER)) == 1
