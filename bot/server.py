"""Serving Slack (the Slack surface issue replaces this placeholder)."""

from __future__ import annotations

from bot.context import Runtime


def serve(runtime: Runtime) -> None:
    raise SystemExit("the Slack surface is not built yet")
