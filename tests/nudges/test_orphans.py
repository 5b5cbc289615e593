"""The orphan check: a gone owner's integration goes to its backup, or the admins are told."""

from __future__ import annotations

from sqlmodel import select

from bot.clock import ManualClock
from bot.nudges.messenger import Messenger
from bot.nudges.orphans import HANDED_OVER, REPORTED, run_orphan_check
from bot.nudges.pacing import Pacing
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from storage.models import AuditEvent, Integration
from tests.conftest import ADMIN
from tests.nudges.conftest import add_owner

GONE = "U0GONEOWN"
BACKUP = "U0BACKUPB"


def _integration(runtime: Runtime, name: str) -> Integration:
    with runtime.unit_of_work() as session:
        return session.exec(select(Integration).where(Integration.name == name)).one()


def _events(runtime: Runtime, action: str) -> list[AuditEvent]:
    with runtime.unit_of_work() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_deactivated_owner_hands_the_integration_to_the_backup(
    nudge_runtime: Runtime, standin: SlackStandIn, messenger: Messenger, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, GONE, integration="handed", backup=BACKUP)
    standin.add_user(GONE, deleted=True)

    report = run_orphan_check(nudge_runtime, messenger=messenger, pacing=Pacing.unlimited())

    integration = _integration(nudge_runtime, "handed")
    assert report.handed_over == ["handed"]
    assert (integration.owner, integration.backup_owner, integration.owner_active) == (
        BACKUP,
        None,
        True,
    )
    [event] = _events(nudge_runtime, HANDED_OVER)
    assert event.detail == {"from": GONE, "to": BACKUP, "reason": "owner gone from Slack"}
    [told] = standin.messages(standin.dm_channel(BACKUP))
    assert "You are now the owner of *handed*" in told.text


def test_owner_gone_without_backup_tells_the_admins_once(
    nudge_runtime: Runtime, standin: SlackStandIn, messenger: Messenger, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, GONE, integration="lonely")
    del standin.state.users[GONE]  # users.info answers user_not_found

    first = run_orphan_check(nudge_runtime, messenger=messenger, pacing=Pacing.unlimited())
    second = run_orphan_check(nudge_runtime, messenger=messenger, pacing=Pacing.unlimited())

    assert (first.reported, second.reported) == (["lonely"], [])
    assert _integration(nudge_runtime, "lonely").owner_active is False
    [told] = standin.messages(standin.dm_channel(ADMIN))
    assert "*lonely* is an orphan: its owner <@U0GONEOWN>" in told.text
    assert len(_events(nudge_runtime, REPORTED)) == 1


def test_active_owner_changes_nothing(
    nudge_runtime: Runtime, standin: SlackStandIn, messenger: Messenger, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, GONE, integration="fine", backup=BACKUP)

    report = run_orphan_check(nudge_runtime, messenger=messenger, pacing=Pacing.unlimited())

    assert (report.checked, report.handed_over, report.reported) == (2, [], [])
    assert _integration(nudge_runtime, "fine").owner == GONE
    assert standin.calls("chat.postMessage") == []


def test_invalid_auth_stops_the_orphan_check(
    nudge_runtime: Runtime, standin: SlackStandIn, messenger: Messenger, clock: ManualClock
) -> None:
    add_owner(nudge_runtime, standin, GONE, integration="fine")
    standin.fail("users.info", error="invalid_auth")

    report = run_orphan_check(nudge_runtime, messenger=messenger, pacing=Pacing.unlimited())

    assert report.stopped == "invalid_auth"
    assert _integration(nudge_runtime, "fine").owner_active is True
