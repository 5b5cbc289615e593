"""`sweep [--dry-run]`: run the nudge cycle now, or print what it would send."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.output import FormatOption, OutputFormat, emit, fail, say
from bot.cli.records import DIGEST_COLUMNS, digest_document, digest_names, digest_record
from bot.cli.render import plan_table
from bot.cli.runtime import runtime
from bot.nudges.cycle import run_cycle
from bot.text import plural


def sweep(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print who would get what; send nothing.")
    ] = False,
    output_format: FormatOption = None,
) -> None:
    """Run the nudge cycle now for every owner with open items, whatever their local time.

    A scheduled run later the same local day does not send them another digest.
    --dry-run prints one row per digest it would send (json: with every item it names).
    Its summary line goes to stderr unless the format is table.
    """
    built = runtime()
    if not dry_run and built.settings.slack_bot_token is None:
        fail("missing setting: SLACK_BOT_TOKEN (needed to send; --dry-run works without it)", 2)
    from bot.app import slack_messenger  # Slack libraries load only for the commands that need them

    messenger = slack_messenger(built.settings)
    report = run_cycle(built, messenger=messenger, force=True, dry_run=dry_run)
    if dry_run:
        with built.reading() as session:
            names = digest_names(session, report)
        used = emit(
            output_format,
            columns=DIGEST_COLUMNS,
            rows=[digest_record(digest, names) for digest in report.digests],
            table=lambda: plan_table(report, names),
            document=lambda: [digest_document(digest, names) for digest in report.digests],
        )
        summary = f"would send {plural(len(report.digests), 'digest')}; nothing was sent"
        say(summary, stderr=used is not OutputFormat.TABLE)
        return
    say(
        f"sent {plural(report.sent, 'digest')}; {report.raced} sent by another replica,"
        f" {report.handled} already sent today, {report.failed} failed (retried later),"
        f" {plural(len(report.owners_gone), 'owner')} gone from Slack, {report.snoozed} snoozed,"
        f" {len(report.escalated)} escalated"
    )
    if report.stopped:
        fail(f"stopped: Slack refused the bot token ({report.stopped}); check SLACK_BOT_TOKEN")
    if report.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(sweep)
