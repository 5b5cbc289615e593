"""One run of the nudge cycle: plan who is due, then send each digest once under the ledger."""

from __future__ import annotations

import logging
import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.nudges import directory, ledger
from bot.nudges.delivery import Delivery, Outcome, Sender, deliver
from bot.nudges.digest import Digest
from bot.nudges.escalation import escalate
from bot.nudges.messenger import Messenger, Person, TokenRefused
from bot.nudges.pacing import Pacer, Pacing
from bot.nudges.planning import Plan, owners, plan_cycle
from bot.runtime import Runtime
from bot.text import plural

logger = logging.getLogger(__name__)

AUTH_STOP = (
    "nudge cycle stopped: Slack refused the bot token (%s); check SLACK_BOT_TOKEN."
    " Unsent digests stay in the ledger for the next run."
)


@dataclass
class CycleReport:
    """What one run did. `digests` are the planned ones (what a dry run prints)."""

    digests: list[Digest] = field(default_factory=list)
    sent: int = 0
    raced: int = 0
    failed: int = 0
    owners_gone: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    nothing_open: int = 0
    snoozed: int = 0
    handled: int = 0
    not_due: int = 0
    stopped: str | None = None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_cycle(
    runtime: Runtime,
    *,
    messenger: Messenger,
    now: datetime | None = None,
    force: bool = False,
    dry_run: bool = False,
    pacing: Pacing | None = None,
    lease: timedelta = ledger.CLAIM_LEASE,
    worker: str | None = None,
) -> CycleReport:
    """Send each due owner with open items their digest for this cycle, once.

    `force` (what `sweep` does) makes every owner due whatever their local time; the cycle key
    is still their local date, so a scheduled run later that day does not send again.
    `dry_run` plans and sends nothing (and asks Slack nothing).
    """
    pace = pacing or Pacing()
    settings = runtime.settings
    report = CycleReport()
    try:
        candidates, people = _people(runtime, messenger=messenger, pace=pace, dry_run=dry_run)
    except TokenRefused as error:
        return _stop(report, str(error))
    with runtime.unit_of_work() as session:
        plan = plan_cycle(
            session,
            schedule=settings.nudge_schedule,
            review_days=settings.review_days,
            unused_days=settings.unused_days,
            admin_review_days=settings.admin_review_days,
            campaign_reminder_days=settings.campaign_reminder_days,
            escalate_after=settings.escalate_after,
            people=people,
            candidates=candidates,
            now=now or runtime.clock.now(),
            force=force,
            lease=lease,
        )
    _copy_plan(report, plan)
    if dry_run or not plan.digests:
        return report

    try:
        home = messenger.home_link()
    except TokenRefused as error:
        return _stop(report, str(error))
    sender = Sender(
        runtime=runtime,
        messenger=messenger,
        pacer=Pacer(pace.messages_per_second, channel_interval=pace.channel_interval),
        worker=worker or worker_name(),
        lease=lease,
        home=home,
    )
    _tally(report, _send_all(sender, plan.digests, workers=pace.workers))
    if report.stopped:
        return report
    _log(report)
    return report


def _log(report: CycleReport) -> None:
    logger.info(
        "nudge cycle: %d sent, %d by another replica, %d failed, %s gone, %d escalated",
        report.sent,
        report.raced,
        report.failed,
        plural(len(report.owners_gone), "owner"),
        len(report.escalated),
    )


Sent = tuple[Digest, Delivery, bool, str | None]  # the digest, its delivery, escalated, refusal


def _send_all(sender: Sender, digests: list[Digest], *, workers: int) -> list[Sent]:
    """Deliver (and escalate) every digest on a few threads; a refused token stops the rest."""
    stop = threading.Event()

    def send(digest: Digest) -> Sent:
        if stop.is_set():
            return digest, Delivery(Outcome.SKIPPED), False, None
        delivery = deliver(sender, digest)
        if delivery.outcome is Outcome.AUTH_FAILED:
            stop.set()
            return digest, delivery, False, delivery.error
        if delivery.outcome is not Outcome.SENT or not digest.escalate:
            return digest, delivery, False, None
        try:
            return digest, delivery, _escalate(sender, digest), None
        except TokenRefused as error:
            stop.set()
            return digest, delivery, False, str(error)

    with ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="nudge") as pool:
        return list(pool.map(send, digests))


def _tally(report: CycleReport, results: list[Sent]) -> None:
    for digest, delivery, escalated, refused in results:
        _count(report, digest, delivery)
        if escalated:
            report.escalated.append(digest.owner)
        if refused and not report.stopped:
            _stop(report, refused)


def _people(
    runtime: Runtime, *, messenger: Messenger, pace: Pacing, dry_run: bool
) -> tuple[list[str], dict[str, Person]]:
    """The owners, and their cached Slack answers; owners never looked up are asked about now
    (their time zone decides when they are due)."""
    with runtime.unit_of_work() as session:
        everyone = owners(session)
        people = directory.known(session, user_ids=everyone)
    missing = [owner for owner in everyone if owner not in people]
    if missing and not dry_run:
        with runtime.unit_of_work() as session:
            people.update(
                directory.refresh(
                    session,
                    messenger=messenger,
                    user_ids=missing,
                    pacer=Pacer(pace.lookups_per_second, stop=runtime.stopping),
                    now=runtime.clock.now(),
                )
            )
    return everyone, people


def _escalate(sender: Sender, digest: Digest) -> bool:
    runtime = sender.runtime
    with runtime.unit_of_work() as session:
        return escalate(
            session,
            messenger=sender.messenger,
            digest=digest,
            channel=runtime.settings.escalation_channel,
            pacer=sender.pacer,
            now=runtime.clock.now(),
        )


def _count(report: CycleReport, digest: Digest, delivery: Delivery) -> None:
    if delivery.outcome is Outcome.SENT:
        report.sent += 1
    elif delivery.outcome is Outcome.RACED:
        report.raced += 1
    elif delivery.outcome is Outcome.OWNER_GONE:
        report.owners_gone.append(digest.owner)
    elif delivery.outcome is Outcome.FAILED:
        report.failed += 1


def _copy_plan(report: CycleReport, plan: Plan) -> None:
    report.digests = list(plan.digests)
    report.nothing_open = len(plan.nothing_open)
    report.snoozed = len(plan.snoozed)
    report.handled = plan.handled
    report.not_due = plan.not_due


def _stop(report: CycleReport, code: str) -> CycleReport:
    logger.error(AUTH_STOP, code)
    report.stopped = code
    return report
