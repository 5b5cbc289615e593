"""When an owner's nudge is due: the cron schedule evaluated in the owner's own time zone."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

logger = logging.getLogger(__name__)

# The scheduler looks for due owners this often; a cron minute that falls between two ticks
# is honoured by the next one.
TICK = timedelta(minutes=5)
# A fire time missed while no replica was running is still honoured this long afterwards, and
# never on another local day: an owner is not nudged at night for a 09:30 that nobody served.
CATCH_UP = timedelta(hours=2)
FALLBACK_TZ = "UTC"


@dataclass(frozen=True)
class Due:
    """An owner's cycle: the local date that keys the ledger, and the fire time it serves."""

    cycle: str
    fire_time: datetime


@lru_cache(maxsize=1024)
def zone(name: str | None) -> ZoneInfo:
    """The owner's zone, or UTC when Slack gave none or one this machine does not know."""
    if not name:
        return ZoneInfo(FALLBACK_TZ)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown time zone %r; using %s", name, FALLBACK_TZ)
        return ZoneInfo(FALLBACK_TZ)


@lru_cache(maxsize=1024)
def _trigger(schedule: str, tz: ZoneInfo) -> CronTrigger:
    return CronTrigger.from_crontab(schedule, timezone=tz)


def cycle_key(now: datetime, tz: ZoneInfo) -> str:
    """The ledger key of a cycle: the owner's local date."""
    return now.astimezone(tz).date().isoformat()


def due(
    schedule: str,
    tz: ZoneInfo,
    now: datetime,
    *,
    force: bool = False,
    catch_up: timedelta = CATCH_UP,
) -> Due | None:
    """The cycle an owner in `tz` is due for at `now`, or None.

    Due means the schedule fired earlier today (the owner's today) and less than `catch_up`
    ago. `force` (a sweep) makes every owner due for their local today.
    """
    local_now = now.astimezone(tz)
    if force:
        return Due(local_now.date().isoformat(), now)
    earlier = [fire for fire in _fire_times(schedule, tz, local_now.date()) if fire <= local_now]
    if not earlier or local_now - earlier[-1] >= catch_up:
        return None
    return Due(earlier[-1].date().isoformat(), earlier[-1])


@lru_cache(maxsize=4096)
def _fire_times(schedule: str, tz: ZoneInfo, day: date) -> tuple[datetime, ...]:
    """Every time the schedule fires on this local day. Cached: every tick asks again, for every
    time zone, and the answer changes once a day."""
    trigger = _trigger(schedule, tz)
    midnight = datetime.combine(day, time(), tzinfo=tz)
    fires: list[datetime] = []
    fire = trigger.get_next_fire_time(None, midnight)
    while fire is not None and fire.date() == day:
        fires.append(fire)
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return tuple(fires)
