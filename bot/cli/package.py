"""`evidence export` and `evidence verify`: the evidence package of a campaign (or of the
current state), and the same check its verify.py makes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.output import fail, say
from bot.cli.runtime import domain_errors, runtime
from bot.evidence import verify_package
from bot.evidence.package import export_package


def export(
    output: Annotated[
        Path, typer.Option(help="A new or empty directory, or a new file ending in .zip.")
    ],
    campaign: Annotated[str | None, typer.Option(help="The campaign to export.")] = None,
    current: Annotated[
        bool, typer.Option(help="No campaign: the current state of every integration.")
    ] = False,
) -> None:
    """Write the evidence package: one CSV per table, manifest.json and verify.py."""
    if (campaign is None) == (not current):
        fail("give one of --campaign NAME or --current", 2)
    built = runtime()
    with domain_errors(), built.reading() as session:
        summary = export_package(session, campaign=campaign, output=output, now=built.clock.now())
    total = sum(summary.rows.values())
    say(f"wrote {summary.path}: {len(summary.files)} files, {total} rows")
    say(f"chain head {summary.head}")
    if summary.root is not None:
        say(f"population root {summary.root}")


def verify(
    path: Annotated[Path, typer.Argument(help="The package: its directory or its .zip.")],
) -> None:
    """Check a package as its verify.py does; print its PASS or FAIL line (exit 0 or 1)."""
    if not path.exists():
        fail(f"{path} does not exist", 2)
    code = verify_package.main(["verify.py", str(path)])
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    evidence = typer.Typer(no_args_is_help=True, help="The evidence package of a campaign.")
    evidence.command("export")(export)
    evidence.command("verify")(verify)
    app.add_typer(evidence, name="evidence")
