"""Buttons of the nudge digest (the nudges issue fills this in)."""

from __future__ import annotations

from slack_bolt import App

from bot.context import Runtime


def register(app: App, runtime: Runtime) -> None:
    """Placeholder until the nudges issue lands."""
