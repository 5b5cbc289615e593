"""Pacing Slack calls: a workspace-wide rate for this process and one message per channel per
second, so a cycle with thousands of owners stays inside Slack's limits instead of bouncing
off 429s."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pacing:
    """Rates for one cycle. The defaults stay under Slack's published limits: chat.postMessage
    allows about one message per second per channel with a workspace-wide cap, users.info is
    Tier 4 (100+ per minute)."""

    messages_per_second: float = 5.0
    channel_interval: float = 1.0
    lookups_per_second: float = 1.5
    # Sends in flight at once: enough to keep up with the rate while each send waits on Slack
    # and the database. It is also how many digests a crash can leave claimed-but-unrecorded.
    workers: int = 4

    @classmethod
    def unlimited(cls, *, workers: int = 1) -> Pacing:
        """For tests that are about something else than pacing (one sender: a fixed order)."""
        return cls(
            messages_per_second=1e9,
            channel_interval=0.0,
            lookups_per_second=1e9,
            workers=workers,
        )


class Stopping(Exception):
    """The process is shutting down: a paced loop gives up at its next wait."""


class Pacer:
    """Spaces calls evenly at `rate` per second, and calls to one channel by `channel_interval`.

    Thread-safe: a slot is reserved under the lock, the wait happens outside it. With `stop`,
    a wait raises Stopping as soon as the event is set (the process is shutting down).
    """

    def __init__(
        self,
        rate: float,
        *,
        channel_interval: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        stop: threading.Event | None = None,
    ) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._channel_interval = channel_interval
        self._monotonic, self._sleep = monotonic, sleep
        self._lock = threading.Lock()
        self._next = 0.0
        self._channels: dict[str, float] = {}
        self._stop = stop

    def wait(self, channel: str | None = None) -> None:
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next)
            if channel is not None and self._channel_interval:
                slot = max(slot, self._channels.get(channel, 0.0))
                self._channels[channel] = slot + self._channel_interval
            self._next = slot + self._interval
        if self._stop is None:
            if slot > now:
                self._sleep(slot - now)
            return
        if self._stop.is_set() or (slot > now and self._stop.wait(slot - now)):
            raise Stopping
