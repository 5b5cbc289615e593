"""Scheduled jobs for `boundary-bot run`: the nudge cycle, connector syncs, the orphan check and
the count of open gaps for the metrics.

Every replica runs the same jobs; the database decides who does what (the nudge ledger, the
orphan check's idempotent hand-over), so no leader election is needed.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import sync
from bot.gaps import open_gap_counts
from bot.nudges.cycle import run_cycle
from bot.nudges.messenger import Messenger, NotDelivered, Note, RecipientGone, TokenRefused
from bot.nudges.orphans import run_orphan_check
from bot.nudges.pacing import Stopping
from bot.nudges.schedule import TICK
from bot.runtime import Runtime

logger = logging.getLogger(__name__)

# How often each replica counts the open gaps for `boundary_open_gaps`: the count reads every
# identity (about a second at 100k, docs/benchmarks.md), too much for every scrape.
GAP_COUNT_EVERY = timedelta(minutes=10)


def nudge_tick(runtime: Runtime, messenger: Messenger) -> None:
    """The nudge schedule is per owner time zone, so the job ticks and each run sends to whoever
    is due now; the ledger makes the ticks of several replicas send once."""
    try:
        run_cycle(runtime, messenger=messenger)
    except Stopping:
        logger.info("nudge cycle stopped for shutdown; the next tick, on any replica, goes on")
    except Exception:
        logger.exception("nudge cycle failed; the next tick tries again")


def orphan_check(runtime: Runtime, messenger: Messenger) -> None:
    try:
        report = run_orphan_check(runtime, messenger=messenger)
    except Stopping:
        logger.info("orphan check stopped for shutdown; it runs again on schedule")
        return
    except Exception:
        logger.exception("orphan check failed")
        return
    logger.info(
        "orphan check: %d people checked, %d handed over, %d reported to admins",
        report.checked,
        len(report.handed_over),
        len(report.reported),
    )


def count_open_gaps(runtime: Runtime) -> None:
    try:
        counts = open_gap_counts(runtime)
    except Exception:
        logger.exception("counting the open gaps for the metrics failed; the next run tries again")
        return
    runtime.metrics.gaps_open(counts, at=runtime.clock.now())


def connector_sync(runtime: Runtime, messenger: Messenger) -> None:
    def notify(owner: str, text: str) -> None:
        try:
            messenger.post_notice(owner, Note(text))
        except (TokenRefused, RecipientGone, NotDelivered):
            logger.warning("could not tell %s about a sync", owner, exc_info=True)

    try:
        sync.sync_all(runtime, notify=notify)
    except Exception:
        logger.exception("scheduled connector sync failed")


def build_scheduler(runtime: Runtime, *, messenger: Messenger) -> BackgroundScheduler:
    """The scheduler with its three jobs, not started."""
    settings = runtime.settings
    scheduler = BackgroundScheduler(
        timezone=UTC,
        # A job that is still running when its next time comes is not started twice; missed
        # runs collapse into one.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.add_job(
        nudge_tick,
        # On the wall clock's five-minute marks, so a 09:30 schedule is served at 09:30 sharp
        # in every zone, including those offset by :30 or :45.
        CronTrigger(minute=f"*/{int(TICK.total_seconds() // 60)}", timezone=UTC),
        args=(runtime, messenger),
        id="nudge-cycle",
    )
    scheduler.add_job(
        orphan_check,
        CronTrigger.from_crontab(settings.orphan_schedule, timezone=UTC),
        args=(runtime, messenger),
        id="orphan-check",
    )
    scheduler.add_job(
        connector_sync,
        CronTrigger.from_crontab(settings.sync_schedule, timezone=UTC),
        args=(runtime, messenger),
        id="connector-sync",
    )
    scheduler.add_job(
        count_open_gaps,
        IntervalTrigger(seconds=GAP_COUNT_EVERY.total_seconds(), timezone=UTC),
        args=(runtime,),
        id="gap-count",
        next_run_time=runtime.clock.now(),  # once at start, so the gauge is there early
    )
    return scheduler


def start_scheduler(runtime: Runtime, *, messenger: Messenger) -> BackgroundScheduler:
    """Start the background scheduler for `boundary-bot run`."""
    scheduler = build_scheduler(runtime, messenger=messenger)
    scheduler.start()
    logger.info(
        "scheduler started: nudges %r in each owner's time zone, orphans %r UTC, syncs %r UTC",
        runtime.settings.nudge_schedule,
        runtime.settings.orphan_schedule,
        runtime.settings.sync_schedule,
    )
    return scheduler
