"""Nudge benchmarks: planning one cycle at 10k/100k/1M identities across 5k owners (SQLite),
and sending 5k digests to a stand-in that enforces Slack's per-channel rate and a workspace
cap with 429 + Retry-After.

    .venv/bin/python -m bench.nudges [--sizes 10000,100000,1000000] [--owners 5000]
                                     [--digests 5000] [--cap 100]

Planning (every owner due, as in a sweep; and a scheduled tick where one time zone of five is
due) is compared with `compute_gaps` over everything (what planning used to be built on),
measured in the same run, interleaved, median of `--repeat` runs;
sending is compared with the cap, the physical limit: digests / cap seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.foundation import peak_rss_mb
from bench.seed import SEED_NOW, migrated_engine, owner_id, seed
from bot.app import slack_messenger
from bot.clock import ManualClock
from bot.gaps import compute_gaps
from bot.nudges.cycle import run_cycle
from bot.nudges.directory import known
from bot.nudges.pacing import Pacing
from bot.nudges.planning import Plan, plan_cycle
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from bot.settings import Settings
from storage.models import SlackUser

TOKEN = "xoxb-bench"
ZONES = ("America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "UTC", "Asia/Kolkata")
# A scheduled tick: 09:30 on the seed's Monday in Kolkata, when the owners of one zone of five
# are due (no other zone is between its 09:30 and the end of its catch-up window).
KOLKATA_0930 = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


class RateLimitedStandIn(SlackStandIn):
    """The stand-in with Slack's limits on chat.postMessage: one message per second per channel
    and `cap` per second across the workspace; over either, 429 with Retry-After: 1."""

    def __init__(self, *, cap: int) -> None:
        super().__init__(token=TOKEN)
        self.cap = cap
        self.limited = 0
        self._window = (0, 0)
        self._last_by_channel: dict[str, float] = {}
        self._limit_lock = threading.Lock()
        self.fail("chat.postMessage", status=429, retry_after=1, times=10**9, when=self._over)

    def _over(self, params: dict[str, Any]) -> bool:
        with self._limit_lock:
            now = time.monotonic()
            second, count = self._window
            if int(now) != second:
                second, count = int(now), 0
            channel = str(params.get("channel"))
            too_soon = now - self._last_by_channel.get(channel, -10.0) < 1.0
            if count >= self.cap or too_soon:
                self.limited += 1
                return True
            self._window = (second, count + 1)
            self._last_by_channel[channel] = now
            return False


def _runtime(url: str, standin: SlackStandIn | None = None) -> Runtime:
    settings = Settings(
        _env_file=None,
        DATABASE_URL=url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=standin.api_url if standin else "http://127.0.0.1:9/api/",
    )
    return Runtime.build(settings, clock=ManualClock(SEED_NOW))


def _add_people(url: str, owners: int) -> None:
    engine = migrated_engine(url)
    rows = [
        {
            "user_id": owner_id(n),
            "tz": ZONES[n % len(ZONES)],
            "is_active": True,
            "checked_at": SEED_NOW,
        }
        for n in range(owners)
    ]
    with engine.begin() as connection:
        connection.execute(sa.insert(SlackUser.__table__), rows)  # type: ignore[attr-defined]
    engine.dispose()


def bench_planning(
    directory: Path, identities: int, owners: int, *, repeat: int = 3
) -> dict[str, Any]:
    url = f"sqlite:///{directory / f'plan-{identities}.db'}"
    engine = migrated_engine(url)
    seeded = seed(
        engine,
        integrations=max(2 * owners, identities // 50),
        identities=identities,
        declarations=identities,
        owners=owners,
    )
    engine.dispose()
    _add_people(url, owners)
    runtime = _runtime(url)
    floors: list[float] = []
    sweeps: list[float] = []
    ticks: list[float] = []
    peaks: list[float] = []
    for _ in range(repeat):  # interleaved, so load from other processes hits each alike
        # Planning first, and the peak reset before it: its own peak, not the seed's or
        # `compute_gaps`'s.
        reset_peak()
        sweep, seconds = _plan(runtime, now=SEED_NOW, force=True)
        sweeps.append(seconds)
        tick, seconds = _plan(runtime, now=KOLKATA_0930, force=False)
        ticks.append(seconds)
        peaks.append(peak_rss_mb())
        with runtime.unit_of_work() as session:
            started = time.perf_counter()
            gaps = compute_gaps(session, review_days=90, now=SEED_NOW)
            floors.append(time.perf_counter() - started)
    runtime.engine.dispose()
    return {
        "identities": identities,
        "owners": seeded.owners,
        "gaps": len(gaps),
        "digests": len(sweep.digests),
        "tick_digests": len(tick.digests),
        "gaps_s": statistics.median(floors),
        "plan_s": statistics.median(sweeps),
        "tick_s": statistics.median(ticks),
        "plan_peak_mb": max(peaks),
    }


def reset_peak() -> None:
    """Reset this process's peak RSS (VmHWM) to its current RSS (Linux: clear_refs 5)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _plan(runtime: Runtime, *, now: datetime, force: bool) -> tuple[Plan, float]:
    """One planning step as `run_cycle` does it (cached people, then the plan), timed."""
    with runtime.unit_of_work() as session:
        started = time.perf_counter()
        plan = plan_cycle(
            session,
            schedule=runtime.settings.nudge_schedule,
            review_days=90,
            escalate_after=3,
            people=known(session),
            now=now,
            force=force,
        )
        return plan, time.perf_counter() - started


def bench_sending(directory: Path, digests: int, cap: int) -> dict[str, Any]:
    url = f"sqlite:///{directory / 'send.db'}"
    engine = migrated_engine(url)
    seed(engine, integrations=digests, identities=digests, declarations=0, owners=digests)
    engine.dispose()
    _add_people(url, digests)
    with RateLimitedStandIn(cap=cap) as standin:
        runtime = _runtime(url, standin)
        pacing = Pacing(messages_per_second=cap, channel_interval=1.0, lookups_per_second=1e9)
        started = time.perf_counter()
        report = run_cycle(
            runtime,
            messenger=slack_messenger(runtime.settings),
            force=True,
            pacing=pacing,
            lease=timedelta(minutes=10),
        )
        seconds = time.perf_counter() - started
        delivered = Counter(m.channel for msgs in standin.state.messages.values() for m in msgs)
        limited = standin.limited
    runtime.engine.dispose()
    expected = {standin.dm_channel(digest.owner) for digest in report.digests}
    return {
        "digests": len(report.digests),
        "sent": report.sent,
        "lost": len(expected - set(delivered)),
        "duplicates": sum(n - 1 for n in delivered.values() if n > 1),
        "429s": limited,
        "seconds": seconds,
        "throughput": len(delivered) / seconds,
        "cap": cap,
        "floor_s": len(report.digests) / cap,
    }


def _load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--owners", type=int, default=5000)
    parser.add_argument("--digests", type=int, default=5000)
    parser.add_argument("--cap", type=int, default=100, help="workspace messages per second")
    parser.add_argument("--repeat", type=int, default=3, help="planning runs per size (median)")
    parser.add_argument("--skip-sending", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        print(
            "planning one cycle (SQLite, every owner due; sending excluded;"
            f" median of {args.repeat}; load average {_load()})"
        )
        print(
            f"{'identities':>10} {'owners':>7} {'gaps':>9} {'digests':>8} {'gaps only':>10}"
            f" {'planning':>9} {'one zone due':>13}"
        )
        for size in (int(s) for s in args.sizes.split(",") if s):
            row = bench_planning(directory, size, args.owners, repeat=args.repeat)
            print(
                f"{row['identities']:>10} {row['owners']:>7} {row['gaps']:>9} {row['digests']:>8}"
                f" {row['gaps_s']:>9.2f}s {row['plan_s']:>8.2f}s"
                f" {row['tick_s']:>6.2f}s ({row['tick_digests']})"
                f"   planning peak {row['plan_peak_mb']:.0f} MB   load {_load()}"
            )
        if args.skip_sending:
            return
        print()
        print(f"sending {args.digests} digests, stand-in cap {args.cap}/s + 1/s per channel")
        row = bench_sending(directory, args.digests, args.cap)
        print(
            f"sent {row['sent']}, lost {row['lost']}, duplicates {row['duplicates']},"
            f" 429s {row['429s']}; {row['seconds']:.1f}s vs {row['floor_s']:.1f}s at the cap:"
            f" {row['throughput']:.1f}/s = {100 * row['throughput'] / row['cap']:.1f}% of the cap"
        )


if __name__ == "__main__":
    main()
