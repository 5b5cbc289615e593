"""CLI commands of the playground feature; `register(app)` adds them to `boundary-bot`."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

PLAYGROUND_DIR = Path(".playground")

console = Console()


def playground(
    port: Annotated[int, typer.Option(help="Port of the page on 127.0.0.1.")] = 3700,
    directory: Annotated[
        Path, typer.Option(help="Where the playground keeps its own SQLite database.")
    ] = PLAYGROUND_DIR,
) -> None:
    """Try the whole bot in a browser, without a Slack workspace (demo data, local only)."""
    from bot.playground.runner import Playground  # Bolt and uvicorn load only when used

    console.print("Starting the boundary-bot playground: the real bot, a local stand-in for Slack.")
    running = Playground(directory=directory, port=port)
    try:
        running.start()
    except OSError as error:
        console.print(f"[red]error:[/red] could not start the playground: {error}")
        raise typer.Exit(1) from None
    console.print(f"Open [bold]{running.url}[/bold] in a browser. Press Ctrl+C to stop.")
    console.print(f"Demo data lives in {directory / 'playground.db'} and is reset on each start.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        console.print("Stopping the playground.")
    finally:
        running.stop()


def register(app: typer.Typer) -> None:
    app.command("playground")(playground)
