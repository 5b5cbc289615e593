"""The `boundary-bot` command: runs the bot, and the same lookups, imports and reports offline."""

from __future__ import annotations

from bot.cli.app import app, main

__all__ = ["app", "main"]
