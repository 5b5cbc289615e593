"""CLI commands of the playground feature; `register(app)` adds them to `boundary-bot`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Placeholder until the playground issue lands."""
