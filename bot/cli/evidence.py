"""`report` and `audit verify`: evidence for auditors, and the check of the declaration chain."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot import report
from bot.cli.output import fail, say, write_json
from bot.cli.runtime import domain_errors, runtime
from storage.chain_check import verify_chain


class ReportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def report_command(
    integration: Annotated[str | None, typer.Option(help="Only this integration.")] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.CSV,
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Evidence for auditors: each identity's lane, who declared it and when, and open gaps."""
    built = runtime()
    with domain_errors(), built.reading() as session:
        evidence = report.build_report(
            session,
            review_days=built.settings.review_days,
            integration=integration,
            now=built.clock.now(),
            unused_days=built.settings.unused_days,
            admin_review_days=built.settings.admin_review_days,
        )
        render = report.render_csv if output_format is ReportFormat.CSV else report.render_json
        text = render(session, evidence)
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    say(f"wrote {output} ({len(evidence.gaps)} open gaps)", stderr=True)


def audit_verify(
    expect_head: Annotated[
        str | None,
        typer.Option(
            "--expect-head",
            "--head",
            help="A head hash exported earlier and kept outside the database; the chain must"
            " still contain it (catches a truncated or rewritten chain).",
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            help="text: `OK <n> declarations, <m> events, head <hash>` on one line;"
            " json: an object.",
        ),
    ] = CheckFormat.TEXT,
) -> None:
    """Recompute the audit chain (declarations and events, in seq order), check its head and
    every identity's current lane against it; print OK with the counts and the head hash.

    A broken chain names its first bad entry (table, seq, what broke) on stderr and exits 1.
    """
    built = runtime()
    anchor = expect_head.strip().lower() if expect_head else None
    with built.reading() as session:
        check = verify_chain(session, anchor=anchor)
    if output_format is CheckFormat.JSON:
        write_json(
            {
                "ok": check.ok,
                "count": check.count,
                "declarations": check.declarations,
                "events": check.events,
                "head": check.head_hash,
                "table": None if check.ok else check.table,
                "broken_seq": check.broken_seq,
                "reason": None if check.ok else check.reason,
            }
        )
    elif check.ok:
        say(f"OK {check.declarations} declarations, {check.events} events, head {check.head_hash}")
    if not check.ok:
        fail(f"chain broken at {check.where}: {check.reason} ({check.count} entries verified)")


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
    audit = typer.Typer(no_args_is_help=True, help="The tamper-evident audit chain.")
    audit.command("verify")(audit_verify)
    app.add_typer(audit, name="audit")
