"""`run` and `db upgrade`: serve Slack, and bring the database schema up to date."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli import database as database_commands
from bot.cli.output import fail, say
from bot.cli.runtime import database_errors, runtime
from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings
from bot.text import plural
from storage import migrate


def run(
    port: Annotated[int | None, typer.Option(help="HTTP port (default: PORT or 3000).")] = None,
) -> None:
    """Serve Slack: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP."""
    from bot.server import serve  # Slack libraries load only for the commands that need them

    try:
        settings = load_settings()
        settings.require_slack()
    except SettingsError as error:
        fail(str(error), 2)
    if port is not None:
        settings = settings.model_copy(update={"port": port})
    configure_logging(settings)
    built = runtime(settings=settings)
    serve(built)


def db_upgrade() -> None:
    """Apply every pending migration; on PostgreSQL, then fit the bot role's privileges."""
    built = runtime(migrate_sqlite=False)
    with database_errors(built.settings.database_url):
        waiting = migrate.pending(built.engine)
        migrate.upgrade(built.engine)
    say(f"database is up to date ({plural(len(waiting), 'migration')} applied)")


def register(app: typer.Typer) -> None:
    app.command()(run)
    database = typer.Typer(no_args_is_help=True, help="Database schema, roles and backups.")
    database.command("upgrade")(db_upgrade)
    database_commands.register(database)
    app.add_typer(database, name="db")
