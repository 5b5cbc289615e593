"""Scheduled jobs (the nudges issue replaces this placeholder): nudge cycle, syncs, orphans."""

from __future__ import annotations

from typing import Any

from bot.context import Runtime


def start_scheduler(runtime: Runtime) -> Any | None:
    """Start the background scheduler for `boundary-bot run`; None while there are no jobs."""
    return None
