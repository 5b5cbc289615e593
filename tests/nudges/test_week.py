"""A week of scheduler ticks, every five minutes, for owners who behave differently: each one
gets exactly the digests and escalations the rules say, at 09:30 on their own weekdays."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from bot.authorization import Actor
from bot.clock import ManualClock
from bot.declarations import declare, declare_remaining
from bot.nudges.schedule import TICK
from bot.nudges.snooze import SNOOZE_DAY, review_opened, snooze
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from storage.models import Identity, Integration
from storage.vocabulary import Answer
from tests.nudges.conftest import ESCALATIONS, LOS_ANGELES, TOKYO, Cycles, add_owner

TOKYO_OWNER = "U0WTOKYO1"  # opens the review after every digest
LA_OWNER = "U0WLAOWN1"  # declares one of five identities after every digest
QUIET_OWNER = "U0WQUIET1"  # nothing open
SNOOZER = "U0WSNOOZE"  # snoozes for a day on Tuesday
DECLARER = "U0WDECLAR"  # declares everything on Wednesday
SILENT_OWNER = "U0WSILENT"  # never answers, until escalation
BACKUP = "U0WBACKUP"
ZONES = {
    TOKYO_OWNER: TOKYO,
    LA_OWNER: LOS_ANGELES,
    QUIET_OWNER: "Europe/Berlin",
    SNOOZER: "Europe/London",
    DECLARER: "America/New_York",
    SILENT_OWNER: "Asia/Kolkata",  # UTC+05:30: the wall-clock ticks still land on 09:30
    BACKUP: "Asia/Kolkata",
}
MONDAY = datetime(2026, 11, 30)  # local midnight, in each zone
# Local days, "Mon 30 Nov" to "Sun 06 Dec", and the next Monday, which begins in Tokyo and
# Kolkata before Sunday ends in Los Angeles.
MON, TUE, WED, THU, FRI, SAT, SUN, NEXT_MON = (
    (MONDAY + timedelta(days=n)).strftime("%a %d %b") for n in range(8)
)
WEEKDAYS_AT_0930 = [(day, "09:30") for day in (MON, TUE, WED, THU, FRI)]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only: a week is two thousand ticks; the ledger on PostgreSQL has its own tests."""
    return sqlite_url


def _local(owner: str, day: int, hour: int, minute: int) -> datetime:
    """A local moment of the week (day 0 is Monday) in the owner's zone, in UTC."""
    moment = (MONDAY + timedelta(days=day)).replace(hour=hour, minute=minute)
    return moment.replace(tzinfo=ZoneInfo(ZONES[owner])).astimezone(UTC)


def _ticks() -> Iterator[datetime]:
    """Every scheduler tick from Monday 00:00 in Tokyo to Sunday 23:55 in Los Angeles."""
    moment = _local(TOKYO_OWNER, 0, 0, 0)
    while moment <= _local(LA_OWNER, 6, 23, 55):
        yield moment
        moment += TICK


def _first_undeclared(session: Session, integration: str) -> int:
    query = (
        select(Identity.id)
        .join(Integration, col(Integration.id) == col(Identity.integration_id))
        .where(Integration.name == integration, col(Identity.current_declaration_id).is_(None))
        .order_by(Identity.external_id)
    )
    found = session.exec(query).first()
    assert found is not None
    return found


Action = Callable[[Session, datetime], None]


def _actions() -> dict[datetime, list[Action]]:
    """What the owners do, and when (their local time, on tick boundaries)."""
    plan: dict[datetime, list[Action]] = defaultdict(list)

    def opens_review(session: Session, now: datetime) -> None:
        review_opened(session, user_id=TOKYO_OWNER, owner=TOKYO_OWNER, now=now)

    def declares_one(session: Session, now: datetime) -> None:
        identity = _first_undeclared(session, "la-int")
        declare(
            session,
            actor=Actor(LA_OWNER),
            identity_id=identity,
            answer=Answer.WORKFORCE,
            now=now,
        )

    for day in range(5):
        plan[_local(TOKYO_OWNER, day, 9, 45)].append(opens_review)
        plan[_local(LA_OWNER, day, 10, 0)].append(declares_one)

    def snoozes_a_day(session: Session, now: datetime) -> None:
        snooze(session, user_id=SNOOZER, owner=SNOOZER, length=SNOOZE_DAY, now=now)

    plan[_local(SNOOZER, 1, 9, 45)].append(snoozes_a_day)

    def declares_everything(session: Session, now: datetime) -> None:
        declare_remaining(
            session,
            actor=Actor(DECLARER),
            integration_name="declarer-int",
            answer=Answer.WORKFORCE,
            now=now,
        )

    plan[_local(DECLARER, 2, 11, 0)].append(declares_everything)
    return plan


def _when(owner: str, moment: datetime) -> tuple[str, str]:
    local = moment.astimezone(ZoneInfo(ZONES[owner]))
    return local.strftime("%a %d %b"), local.strftime("%H:%M")


def test_a_week_of_ticks_gives_each_owner_exactly_what_the_rules_say(
    nudge_runtime: Runtime, standin: SlackStandIn, cycles: Cycles, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, TOKYO_OWNER, integration="tokyo-int", tz=TOKYO)
    add_owner(
        nudge_runtime,
        standin,
        LA_OWNER,
        integration="la-int",
        tz=LOS_ANGELES,
        identities=tuple(f"dev{n}@corp.com" for n in range(5)),
    )
    add_owner(
        nudge_runtime,
        standin,
        QUIET_OWNER,
        integration="quiet-int",
        tz=ZONES[QUIET_OWNER],
        identities=(),
    )
    add_owner(nudge_runtime, standin, SNOOZER, integration="snoozer-int", tz=ZONES[SNOOZER])
    add_owner(
        nudge_runtime,
        standin,
        DECLARER,
        integration="declarer-int",
        tz=ZONES[DECLARER],
        identities=("a@corp.com", "b@corp.com", "c@corp.com"),
    )
    add_owner(
        nudge_runtime,
        standin,
        SILENT_OWNER,
        integration="silent-int",
        tz=ZONES[SILENT_OWNER],
        backup=BACKUP,
    )
    actions = _actions()
    channels = {standin.dm_channel(owner): owner for owner in ZONES} | {ESCALATIONS: ESCALATIONS}
    received: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    seen: dict[str, int] = defaultdict(int)

    for tick in _ticks():
        clock.set(tick)
        for act in actions.pop(tick, []):
            with nudge_runtime.unit_of_work() as session:
                act(session, tick)
        report = cycles.run()
        assert (report.failed, report.stopped) == (0, None)
        for channel, owner in channels.items():
            messages = standin.messages(channel)
            for message in messages[seen[channel] :]:
                zone_of = SILENT_OWNER if owner in (ESCALATIONS, BACKUP) else owner
                day, time = _when(zone_of, tick)
                received[owner].append((day, time, message.text))
            seen[channel] = len(messages)

    assert actions == {}  # every action happened on a tick

    def at(owner: str) -> list[tuple[str, str]]:
        return [(day, time) for day, time, _ in received[owner]]

    assert at(TOKYO_OWNER) == [*WEEKDAYS_AT_0930, (NEXT_MON, "09:30")]
    assert at(LA_OWNER) == WEEKDAYS_AT_0930
    assert [text.split(" in ")[0] for _, _, text in received[LA_OWNER]] == [
        "Boundary review: 5 open items",
        "Boundary review: 4 open items",
        "Boundary review: 3 open items",
        "Boundary review: 2 open items",
        "Boundary review: 1 open item",
    ]
    assert at(QUIET_OWNER) == []
    # Snoozed at 09:45 on Tuesday until 09:45 on Wednesday: Wednesday's 09:30 is skipped.
    assert at(SNOOZER) == [(MON, "09:30"), (TUE, "09:30"), (THU, "09:30"), (FRI, "09:30")]
    assert at(DECLARER) == [(MON, "09:30"), (TUE, "09:30"), (WED, "09:30")]
    assert at(SILENT_OWNER) == [*WEEKDAYS_AT_0930, (NEXT_MON, "09:30")]
    # Three digests with no action, then the fourth goes with one escalation, once per streak.
    [(day, time, posted)] = received[ESCALATIONS]
    assert (day, time) == (THU, "09:30")
    assert f"<@{SILENT_OWNER}> has had 3 boundary-review digests" in posted
    [(day, time, to_backup)] = received[BACKUP]
    assert (day, time) == (THU, "09:30")
    assert "You are the backup owner of *silent-int*" in to_backup
    # Nothing at night or on anyone's weekend.
    sent = [(owner, day, time) for owner in ZONES for day, time in at(owner)]
    assert [(owner, day) for owner, day, _ in sent if day in (SAT, SUN)] == []
    assert [(owner, time) for owner, _, time in sent if not "09:30" <= time < "11:30"] == []
