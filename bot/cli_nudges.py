"""CLI commands of the nudges feature: `boundary-bot sweep [--dry-run]`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.nudges import CycleReport, run_cycle
from bot.nudges.digest import describe_counts
from bot.slack_client import make_client

console = Console()
errors = Console(stderr=True)


def sweep(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print who would get what; send nothing.")
    ] = False,
) -> None:
    """Run the nudge cycle now for every owner with open items, whatever their local time.

    A scheduled run later the same local day does not send them another digest.
    """
    from bot.cli import fail, runtime

    built = runtime()
    if not dry_run and built.settings.slack_bot_token is None:
        fail("missing setting: SLACK_BOT_TOKEN (needed to send; --dry-run works without it)", 2)
    report = run_cycle(built, client=make_client(built.settings), force=True, dry_run=dry_run)
    if dry_run:
        console.print(plan_table(report))
        console.print(f"would send {len(report.digests)} digest(s); nothing was sent")
        return
    console.print(
        f"sent {report.sent} digest(s); {report.raced} sent by another replica,"
        f" {report.handled} already sent today, {report.failed} failed (retried later),"
        f" {len(report.owners_gone)} owner(s) gone from Slack, {report.snoozed} snoozed,"
        f" {len(report.escalated)} escalated"
    )
    if report.stopped:
        fail(f"stopped: Slack refused the bot token ({report.stopped}); check SLACK_BOT_TOKEN")
    if report.failed:
        raise typer.Exit(1)


def plan_table(report: CycleReport) -> Table:
    table = Table("owner", "cycle", "open", "by kind", "most urgent", "escalates")
    for digest in report.digests:
        first = digest.items[0] if digest.items else None
        urgent = (
            f"{first.integration} {first.identity or ''}: {first.kind}".replace("  ", " ")
            if first
            else ""
        )
        table.add_row(
            digest.owner,
            digest.cycle,
            str(digest.total),
            describe_counts(digest.counts),
            urgent,
            "yes" if digest.escalate else "",
        )
    return table


def register(app: typer.Typer) -> None:
    app.command()(sweep)
