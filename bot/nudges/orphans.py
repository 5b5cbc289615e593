"""The daily orphan check: ask the directory about every owner; a gone owner's integration
passes to its backup owner (recorded), or, with no backup, the admins are told once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.authorization import Actor
from bot.integrations import change_owner, mark_owner_active
from bot.nudges import directory
from bot.nudges.escalation import BOT_ACTOR
from bot.nudges.messenger import (
    Messenger,
    NotDelivered,
    Notice,
    OrphanHandedOver,
    OrphanReported,
    Person,
    RecipientGone,
    TokenRefused,
)
from bot.nudges.pacing import Pacer, Pacing
from bot.runtime import Runtime
from storage import integrations as integration_repo
from storage.models import AuditEvent, Integration

logger = logging.getLogger(__name__)

HANDED_OVER = "integration.orphan_handed_over"
REPORTED = "integration.orphan_reported"


@dataclass
class OrphanReport:
    checked: int = 0
    handed_over: list[str] = field(default_factory=list)  # integration names
    reported: list[str] = field(default_factory=list)
    reactivated: int = 0
    stopped: str | None = None


def run_orphan_check(
    runtime: Runtime,
    *,
    messenger: Messenger,
    now: datetime | None = None,
    pacing: Pacing | None = None,
) -> OrphanReport:
    moment = now or runtime.clock.now()
    pacer = Pacer((pacing or Pacing()).lookups_per_second, stop=runtime.stopping)
    report = OrphanReport()
    with runtime.unit_of_work() as session:
        people_ids = _owners_and_backups(session)
    try:
        with runtime.unit_of_work() as session:
            people = directory.refresh(
                session, messenger=messenger, user_ids=people_ids, pacer=pacer, now=moment
            )
    except TokenRefused as error:
        logger.error("orphan check stopped: Slack refused the bot token (%s)", error)
        report.stopped = str(error)
        return report
    report.checked = len(people)
    with runtime.unit_of_work() as session:
        for person in people.values():
            if person.is_active:
                report.reactivated += mark_owner_active(
                    session, user_id=person.user_id, active=True
                )
        gone = {p.user_id for p in people.values() if not p.is_active}
        orphans = session.exec(
            select(Integration)
            .where(
                sa.or_(col(Integration.owner).in_(gone), col(Integration.owner_active).is_(False))
            )
            .order_by(col(Integration.name))
        ).all()
        plans = [(o.name, o.owner, o.backup_owner) for o in orphans]
    for name, owner, backup in plans:
        _resolve(runtime, messenger, report, name, owner, backup, people, moment)
        if report.stopped:
            break
    return report


def _owners_and_backups(session: Session) -> list[str]:
    rows = session.execute(sa.select(col(Integration.owner), col(Integration.backup_owner)))
    found = {user for row in rows for user in row if user}
    return sorted(found)


def _resolve(
    runtime: Runtime,
    messenger: Messenger,
    report: OrphanReport,
    name: str,
    owner: str,
    backup: str | None,
    people: dict[str, Person],
    now: datetime,
) -> None:
    backup_person = people.get(backup) if backup is not None else None
    backup_ok = backup is not None and (backup_person is None or backup_person.is_active)
    with runtime.unit_of_work() as session:
        if backup is not None and backup_ok:
            _hand_over(session, name=name, owner=owner, backup=backup, now=now)
            report.handed_over.append(name)
            tell: list[str] = [backup]
            notice: Notice = OrphanHandedOver(name, owner)
        else:
            mark_owner_active(session, user_id=owner, active=False)
            integration = session.exec(select(Integration).where(Integration.name == name)).one()
            if _already_reported(session, integration.id, owner):
                return
            admins = sorted(runtime.settings.admins)
            integration_repo.record_event(
                session,
                at=now,
                actor=BOT_ACTOR,
                action=REPORTED,
                integration_id=integration.id,
                detail={"owner": owner, "admins": admins},
            )
            report.reported.append(name)
            tell, notice = admins, OrphanReported(name, owner)
    # Told after the commit: a message never announces a change that was rolled back.
    _tell(messenger, report, tell, notice)


def _hand_over(session: Session, *, name: str, owner: str, backup: str, now: datetime) -> None:
    integration = change_owner(
        session,
        actor=Actor(BOT_ACTOR, is_admin=True),
        name=name,
        owner=backup,
        backup_owner=None,
        now=now,
    )
    integration_repo.record_event(
        session,
        at=now,
        actor=BOT_ACTOR,
        action=HANDED_OVER,
        integration_id=integration.id,
        detail={"from": owner, "to": backup, "reason": "owner gone from Slack"},
    )


def _already_reported(session: Session, integration_id: int | None, owner: str) -> bool:
    events = session.exec(
        select(AuditEvent).where(
            AuditEvent.integration_id == integration_id, AuditEvent.action == REPORTED
        )
    ).all()
    return any((event.detail or {}).get("owner") == owner for event in events)


def _tell(messenger: Messenger, report: OrphanReport, users: list[str], notice: Notice) -> None:
    if not users:
        logger.warning("orphan with nobody to tell (BOUNDARY_ADMINS is empty): %s", notice)
    for user in users:
        try:
            messenger.post_notice(user, notice)
        except TokenRefused as error:
            report.stopped = str(error)
            logger.error("orphan check stopped: Slack refused the bot token (%s)", error)
            return
        except (RecipientGone, NotDelivered) as error:
            logger.warning("could not tell %s about an orphan: %s", user, error)
