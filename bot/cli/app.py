"""The one Typer app of `boundary-bot`: global options, every command module's commands, and
`main`, the console script's entry point."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from sqlalchemy.exc import DBAPIError

from bot.cli import (
    campaigns,
    connectors,
    declarations,
    evidence,
    integrations,
    lookups,
    nudges,
    package,
    playground,
    server,
)
from bot.cli.output import error, say
from bot.cli.runtime import GIVEN_OPERATOR, database_failure
from bot.settings import SettingsError, load_settings
from bot.version import VERSION

HELP = "Runs the bot, and the same lookups, imports, syncs, sweeps and reports offline."

# Locals in a traceback could show settings and stored data; a traceback is for bugs only.
app = typer.Typer(
    no_args_is_help=True, add_completion=False, help=HELP, pretty_exceptions_show_locals=False
)


def _print_version(wanted: bool) -> None:
    if wanted:
        say(f"boundary-bot {VERSION}")
        raise typer.Exit()


@app.callback()
def _global_options(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="U…",
            help="Your Slack user id: commands that write credit it in the audit trail"
            " (default: BOUNDARY_OPERATOR; they refuse without either).",
            show_default=False,
        ),
    ] = None,
) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    GIVEN_OPERATOR.set(as_user)


for _commands in (
    server,
    integrations,
    lookups,
    declarations,
    campaigns,
    evidence,
    package,
    nudges,
    connectors,
    playground,
):
    _commands.register(app)


def main() -> None:
    """The console script: a database lost in the middle of a command, or one that refuses the
    role a privilege, is one line too."""
    try:
        app()
    except DBAPIError as failed:
        try:
            line = database_failure(load_settings().database_url, failed)
        except SettingsError:
            line = None
        if line is None:
            raise
        error(line)
        raise SystemExit(2) from None
