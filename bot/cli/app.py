"""The one Typer app of `boundary-bot`: global options, every command module's commands, and
`main`, the console script's entry point."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.cli import (
    connectors,
    declarations,
    evidence,
    integrations,
    lookups,
    nudges,
    playground,
    server,
)
from bot.cli.output import error, say
from bot.cli.runtime import unreachable
from bot.settings import SettingsError, load_settings

HELP = "Runs the bot, and the same lookups, imports, syncs, sweeps and reports offline."

# Locals in a traceback could show settings and stored data; a traceback is for bugs only.
app = typer.Typer(
    no_args_is_help=True, add_completion=False, help=HELP, pretty_exceptions_show_locals=False
)


def installed_version() -> str:
    try:
        return version("boundary-bot")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _print_version(wanted: bool) -> None:
    if wanted:
        say(f"boundary-bot {installed_version()}")
        raise typer.Exit()


@app.callback()
def _global_options(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


for _commands in (
    server,
    integrations,
    lookups,
    declarations,
    evidence,
    nudges,
    connectors,
    playground,
):
    _commands.register(app)


def main() -> None:
    """The console script: a database lost in the middle of a command is one line too."""
    try:
        app()
    except DBAPIError as lost:
        if not (isinstance(lost, OperationalError) or lost.connection_invalidated):
            raise
        try:
            url = load_settings().database_url
        except SettingsError:
            raise lost from None
        error(unreachable(url, lost))
        raise SystemExit(2) from None
