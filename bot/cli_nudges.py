"""CLI commands of the nudges feature; `register(app)` adds them to `boundary-bot`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Placeholder until the nudges issue lands."""
