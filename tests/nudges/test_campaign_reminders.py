"""Campaign reminders through the real nudge cycle against the Slack stand-in: which days they
lead an owner's digest, one digest per owner per cycle, and escalation once overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.authorization import Actor
from bot.campaigns.closing import close_campaign, sign_off
from bot.campaigns.delegation import delegate
from bot.campaigns.launch import start_campaign
from bot.campaigns.review import decide_remaining
from bot.clock import ManualClock
from bot.declarations import declare_remaining
from bot.nudges.escalation import ESCALATED
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from storage.models import AuditEvent
from storage.vocabulary import Answer, CloseRule
from tests.conftest import ADMIN, NOW
from tests.nudges.conftest import ESCALATIONS, Cycles, add_owner, digests_to

OWNER = "U0OWNERCR"
BACKUP = "U0BACKUPC"
DELEGATE = "U0DELEGAT"
CAMPAIGN = "q4-review"
START = NOW.date()  # Monday 30 November 2026


def _at(day: date) -> datetime:
    """10:00 in Los Angeles on `day` (the owners' zone): their local date is `day`."""
    return datetime(day.year, day.month, day.day, 18, 0, tzinfo=UTC)


def _start(runtime: Runtime, *, due: date, integrations: tuple[str, ...] = ()) -> None:
    with runtime.unit_of_work() as session:
        start_campaign(
            session,
            actor=Actor(ADMIN, is_admin=True),
            name=CAMPAIGN,
            due_on=due,
            integrations=integrations,
            now=NOW,
            max_sync_age=timedelta(hours=24),
        )


def _declared_owner(
    runtime: Runtime,
    standin: SlackStandIn,
    owner: str,
    integration: str,
    *,
    backup: str | None = None,
) -> None:
    """An owner with nothing open: every identity declared, SSO and SCIM fine."""
    add_owner(runtime, standin, owner, integration=integration, backup=backup)
    with runtime.unit_of_work() as session:
        declare_remaining(
            session,
            actor=Actor(owner),
            integration_name=integration,
            answer=Answer.WORKFORCE,
            now=NOW,
        )


def _reminded_days(cycles: Cycles, clock: ManualClock, due: date, days: range) -> list[int]:
    """Run a cycle on each day `days` before the due date; the days a digest went out."""
    sent = []
    for days_left in days:
        clock.set(_at(due - timedelta(days=days_left)))
        if cycles.run(force=True).sent:
            sent.append(days_left)
    return sent


@pytest.fixture
def quiet_owner(nudge_runtime: Runtime, standin: SlackStandIn) -> str:
    _declared_owner(nudge_runtime, standin, OWNER, "la-int")
    return OWNER


def test_reminds_7_and_2_days_before_and_on_the_day_only(
    nudge_runtime: Runtime, cycles: Cycles, clock: ManualClock, quiet_owner: str
) -> None:
    due = START + timedelta(days=10)
    _start(nudge_runtime, due=due)

    assert _reminded_days(cycles, clock, due, range(10, -1, -1)) == [7, 2, 0]


def test_reminds_daily_once_overdue(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    _declared_owner(nudge_runtime, standin, OWNER, "la-int")
    due = START + timedelta(days=1)
    _start(nudge_runtime, due=due)

    assert _reminded_days(cycles, clock, due, range(-1, -5, -1)) == [-1, -2, -3, -4]
    texts = digests_to(standin, OWNER)
    assert "campaign q4-review OVERDUE by 1 day, 0/1 decided on la-int" in texts[0]
    assert "OVERDUE by 4 days" in texts[-1]


def test_campaign_line_says_what_to_do(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    _declared_owner(nudge_runtime, standin, OWNER, "la-int")
    due = START + timedelta(days=2)
    _start(nudge_runtime, due=due)
    clock.set(_at(START))

    cycles.run(force=True)

    [message] = standin.messages(standin.dm_channel(OWNER))
    lead = message.blocks[1]["text"]["text"]
    assert "Campaign *q4-review* · *la-int*: 0/1 decided, due in 2 days." in lead
    assert "1 to decide: `/boundary campaign review q4-review`" in lead


def test_one_digest_with_the_campaign_lines_before_the_gaps(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, OWNER, integration="la-int")  # one undeclared identity
    _start(nudge_runtime, due=START + timedelta(days=7))
    clock.set(_at(START))

    first, again = cycles.run(force=True), cycles.run(force=True)

    assert (first.sent, again.sent) == (1, 0)
    [message] = standin.messages(standin.dm_channel(OWNER))
    assert message.text.startswith("Boundary review: campaign q4-review due in 7 days")
    assert message.text.endswith("; 1 open item in integrations you own (1 undeclared).")
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert sections[0].startswith("*Access review campaigns waiting on you*")
    assert sections[1].startswith("Open in *la-int*")


def test_an_owner_with_nothing_open_gets_no_digest_between_reminders(
    nudge_runtime: Runtime, cycles: Cycles, clock: ManualClock, quiet_owner: str
) -> None:
    _start(nudge_runtime, due=START + timedelta(days=5))
    clock.set(_at(START))

    report = cycles.run(force=True)

    assert (report.sent, report.nothing_open) == (0, 1)


def test_a_signed_off_integration_no_longer_reminds(
    nudge_runtime: Runtime, cycles: Cycles, clock: ManualClock, quiet_owner: str
) -> None:
    due = START + timedelta(days=2)
    _start(nudge_runtime, due=due)
    with nudge_runtime.unit_of_work() as session:
        decide_remaining(
            session, actor=Actor(OWNER), campaign_name=CAMPAIGN, integration_name="la-int", now=NOW
        )
    clock.set(_at(START))
    ready = cycles.run(force=True)
    with nudge_runtime.unit_of_work() as session:
        sign_off(
            session, actor=Actor(OWNER), campaign_name=CAMPAIGN, integration_name="la-int", now=NOW
        )

    assert ready.sent == 1
    assert _reminded_days(cycles, clock, due, range(0, -3, -1)) == []


def test_a_ready_integration_asks_for_the_sign_off(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    _declared_owner(nudge_runtime, standin, OWNER, "la-int")
    _start(nudge_runtime, due=START)
    with nudge_runtime.unit_of_work() as session:
        decide_remaining(
            session, actor=Actor(OWNER), campaign_name=CAMPAIGN, integration_name="la-int", now=NOW
        )
    clock.set(_at(START))

    cycles.run(force=True)

    [text] = digests_to(standin, OWNER)
    assert "1/1 decided on la-int" in text
    [message] = standin.messages(standin.dm_channel(OWNER))
    assert "every item is decided; sign it off" in message.blocks[1]["text"]["text"]


def test_a_closed_campaign_never_reminds(
    nudge_runtime: Runtime, cycles: Cycles, clock: ManualClock, quiet_owner: str
) -> None:
    due = START + timedelta(days=2)
    _start(nudge_runtime, due=due)
    with nudge_runtime.unit_of_work() as session:
        close_campaign(
            session,
            actor=Actor(ADMIN, is_admin=True),
            campaign_name=CAMPAIGN,
            rule=CloseRule.LEAVE,
            now=NOW,
        )

    assert _reminded_days(cycles, clock, due, range(2, -3, -1)) == []


def test_a_delegate_who_owns_nothing_is_reminded(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    _declared_owner(nudge_runtime, standin, OWNER, "la-int")
    standin.add_user(DELEGATE, tz="America/Los_Angeles")
    _start(nudge_runtime, due=START)
    with nudge_runtime.unit_of_work() as session:
        delegate(
            session,
            actor=Actor(OWNER),
            campaign_name=CAMPAIGN,
            integration_name="la-int",
            reviewer=DELEGATE,
            now=NOW,
        )
    clock.set(_at(START))

    report = cycles.run(force=True)

    assert sorted(d.owner for d in report.digests) == sorted([OWNER, DELEGATE])
    [text] = digests_to(standin, DELEGATE)
    assert "campaign q4-review due today, 0/1 decided on la-int" in text


def test_escalates_after_the_due_date_naming_the_campaign(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    _declared_owner(nudge_runtime, standin, OWNER, "la-int", backup=BACKUP)
    due = START + timedelta(days=1)
    _start(nudge_runtime, due=due, integrations=("la-int",))

    escalated = []
    for days_left in range(1, -4, -1):  # reminded on 0, -1, -2: three unacted digests by -3
        clock.set(_at(due - timedelta(days=days_left)))
        escalated.append((days_left, cycles.run(force=True).escalated))

    # The backup owner is reminded too, but is told about the owner, not escalated.
    assert escalated == [(1, []), (0, []), (-1, []), (-2, []), (-3, [OWNER])]
    [posted] = [m.text for m in standin.messages(ESCALATIONS)]
    assert f"<@{OWNER}> has had 3 boundary-review digests" in posted
    assert "Campaign *q4-review* · *la-int*: 0/1 decided, *OVERDUE* by 3 days" in posted
    asked = [m.text for m in standin.messages(standin.dm_channel(BACKUP))]
    assert any("You are the backup owner of *la-int*" in text for text in asked)
    with nudge_runtime.unit_of_work() as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == ESCALATED)).all()
    assert (event.detail["owner"], event.detail["campaign"]) == (OWNER, CAMPAIGN)
    assert event.detail["overdue_days"] == 3
