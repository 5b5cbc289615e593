"""`playground`: the whole bot in a browser, with a local stand-in for Slack and demo data."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.output import fail, say
from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings

PLAYGROUND_DIR = Path(".playground")


def playground(
    port: Annotated[int, typer.Option(help="Port of the page on 127.0.0.1.")] = 3700,
    directory: Annotated[
        Path, typer.Option(help="Where the playground keeps its own SQLite database.")
    ] = PLAYGROUND_DIR,
) -> None:
    """Try the whole bot in a browser, without a Slack workspace (demo data, local only)."""
    from bot.playground.runner import Playground  # Bolt and uvicorn load only when used

    try:
        settings = load_settings(dotenv=False)
    except SettingsError as problem:
        fail(str(problem), 2)
    # Quieter than the bot by default: the page is what a playground user watches.
    explicit = "log_level" in settings.model_fields_set
    configure_logging(settings, level=None if explicit else "WARNING")
    say("Starting the boundary-bot playground: the real bot, a local stand-in for Slack.")
    running = Playground(directory=directory, port=port)
    try:
        running.start()
    except OSError as error:
        fail(f"could not start the playground: {error}")
    say(f"Open {running.url} in a browser. Press Ctrl+C to stop.")
    say(f"Demo data lives in {directory / 'playground.db'} and is reset on each start.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        say("Stopping the playground.")
    finally:
        running.stop()


def register(app: typer.Typer) -> None:
    app.command("playground")(playground)
