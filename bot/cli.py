"""The `boundary-bot` command: runs the bot, and the same lookups, imports and reports offline."""

from __future__ import annotations

import json
import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot import (
    cli_connectors,
    cli_nudges,
    cli_playground,
    csv_import,
    inventory,
    lookup,
    report,
    review,
)
from bot.authorization import Actor
from bot.cli_render import gaps_table, integrations_table, lookup_renderable
from bot.context import Runtime, SchemaBehind
from bot.errors import DomainError
from bot.gaps import compute_gaps
from bot.report import gap_dict
from bot.settings import SettingsError, load_settings
from storage import migrate
from storage.declarations import verify_chain
from storage.vocabulary import Answer, Layer, ScimStatus, SsoStatus

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
integration_app = typer.Typer(no_args_is_help=True, help="Register and list integrations.")
audit_app = typer.Typer(no_args_is_help=True, help="The tamper-evident declaration chain.")
app.add_typer(db_app, name="db")
app.add_typer(integration_app, name="integration")
app.add_typer(audit_app, name="audit")

console = Console()
errors = Console(stderr=True)


class GapFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class ReportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def fail(message: str, code: int = 1) -> NoReturn:
    errors.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def runtime(*, migrate_sqlite: bool = True) -> Runtime:
    try:
        built = Runtime.build(load_settings())
        if migrate_sqlite:
            built.ensure_schema()
    except (SettingsError, SchemaBehind) as error:
        fail(str(error), 2)
    return built


@app.callback()
def _configure_logging() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@app.command()
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
    built = Runtime.build(settings)
    try:
        built.ensure_schema()
    except SchemaBehind as error:
        fail(str(error), 2)
    serve(built)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    built = runtime(migrate_sqlite=False)
    waiting = migrate.pending(built.engine)
    migrate.upgrade(built.engine)
    console.print(f"database is up to date ({len(waiting)} migration(s) applied)")


@integration_app.command("add")
def integration_add(
    name: Annotated[str, typer.Argument(help="A slug, e.g. openai-platform.")],
    layer: Annotated[Layer, typer.Option(help="platform or application.")],
    owner: Annotated[str, typer.Option(help="The owner's Slack user id.")],
    backup: Annotated[str | None, typer.Option(help="The backup owner's Slack user id.")] = None,
    channel: Annotated[str | None, typer.Option(help="The team's Slack channel id.")] = None,
    sso: Annotated[SsoStatus, typer.Option()] = SsoStatus.UNKNOWN,
    scim: Annotated[ScimStatus, typer.Option()] = ScimStatus.UNKNOWN,
) -> None:
    """Register an integration."""
    built = runtime()
    with _domain_errors(), built.unit_of_work() as session:
        integration = inventory.register_integration(
            session,
            actor=Actor.operator(),
            name=name,
            layer=layer,
            now=built.clock.now(),
            owner=owner,
            backup_owner=backup,
            channel=channel,
            sso=sso,
            scim=scim,
        )
        console.print(f"registered {integration.name} ({integration.layer}), owner {owner}")


@integration_app.command("list")
def integration_list() -> None:
    """List every integration with its owner and SSO/SCIM status."""
    built = runtime()
    with built.unit_of_work() as session:
        console.print(integrations_table(inventory.list_integrations(session)))


@app.command("import")
def import_command(
    integration: Annotated[str, typer.Argument(help="The integration to import into.")],
    csv_file: Annotated[
        Path, typer.Option("--csv", exists=True, dir_okay=False, readable=True, help="CSV file.")
    ],
) -> None:
    """Import identities from a CSV file (all or nothing; re-importing changes nothing)."""
    built = runtime()
    data = csv_file.read_bytes()
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task("rows", total=max(data.count(b"\n") - 1, 1))
        with _domain_errors(), built.unit_of_work() as session:
            result = csv_import.import_csv(
                session,
                actor=Actor.operator(),
                integration_name=integration,
                data=data,
                progress=lambda n: bar.advance(task, n),
                now=built.clock.now(),
            )
    console.print(
        f"{result.integration}: {result.created} created, {result.updated} updated,"
        f" {result.unchanged} unchanged, {result.declared_by_rules} declared by lane rules"
    )


@app.command()
def who(
    query: Annotated[str, typer.Argument(help="Integration, Slack user id, email or id.")],
) -> None:
    """Who owns an integration; an identity's or email's lane; what a Slack user owns."""
    built = runtime()
    with _domain_errors(), built.unit_of_work() as session:
        found = lookup.who(session, query=query)
        if not found.found:
            fail(f"nothing matches `{query}`")
        console.print(lookup_renderable(found))


@app.command()
def declare(
    integration: Annotated[str, typer.Argument(help="The identity's integration.")],
    identity: Annotated[str, typer.Argument(help="The identity's external id or email.")],
    answer: Annotated[Answer, typer.Argument(help="workforce, customer or remove.")],
    note: Annotated[str | None, typer.Option(help="Why; justifies a lane mismatch.")] = None,
) -> None:
    """Declare one identity's lane (appends to the audit chain, as the operator)."""
    built = runtime()
    with _domain_errors(), built.unit_of_work() as session:
        found = review.find_identity(session, integration_name=integration, external_id=identity)
        external_id = found.external_id
        review.declare(
            session,
            actor=Actor.operator(),
            identity_id=found.id or 0,
            answer=answer,
            note=note,
            now=built.clock.now(),
        )
    console.print(f"{external_id} is now {answer}", highlight=False)


@app.command()
def rule(
    integration: Annotated[str, typer.Argument(help="The integration the rule is for.")],
    match: Annotated[str, typer.Argument(help="domain:acme.com, kind:service_account, role:x")],
    answer: Annotated[Answer, typer.Argument(help="workforce or customer.")],
) -> None:
    """Add a lane rule and declare every undeclared identity it covers."""
    built = runtime()
    with _domain_errors(), built.unit_of_work() as session:
        recorded = review.add_rule(
            session,
            actor=Actor.operator(),
            integration_name=integration,
            rule=match,
            answer=answer,
            now=built.clock.now(),
        )
    plural = "identity" if recorded.count == 1 else "identities"
    console.print(f"{recorded.count} {plural} declared {answer} by the rule", highlight=False)


@app.command()
def gaps(
    integration: Annotated[str | None, typer.Option(help="Only this integration.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only integrations this user owns.")] = None,
    output_format: Annotated[GapFormat, typer.Option("--format")] = GapFormat.TABLE,
) -> None:
    """Open gaps, most urgent first."""
    built = runtime()
    with _domain_errors(), built.unit_of_work() as session:
        if integration:
            inventory.get_integration(session, integration)
        found = compute_gaps(
            session,
            review_days=built.settings.review_days,
            integration=integration.strip().lower() if integration else None,
            owner=owner,
            now=built.clock.now(),
        )
    if output_format is GapFormat.JSON:
        sys.stdout.write(json.dumps([gap_dict(g) for g in found], indent=2) + "\n")
        return
    console.print(gaps_table(found))


@app.command("report")
def report_command(
    integration: Annotated[str | None, typer.Option(help="Only this integration.")] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.CSV,
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Evidence for auditors: each identity's lane, who declared it and when, and open gaps."""
    built = runtime()
    with _domain_errors(), built.unit_of_work() as session:
        evidence = report.build_report(
            session,
            review_days=built.settings.review_days,
            integration=integration,
            now=built.clock.now(),
        )
        render = report.render_csv if output_format is ReportFormat.CSV else report.render_json
        text = render(session, evidence)
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    errors.print(f"wrote {output} ({len(evidence.gaps)} open gaps)")


@audit_app.command("verify")
def audit_verify(
    head: Annotated[
        str | None,
        typer.Option(help="A head hash exported earlier; the chain must still contain it."),
    ] = None,
) -> None:
    """Recompute the declaration chain; print OK with the count, or the first broken row."""
    built = runtime()
    with built.unit_of_work() as session:
        check = verify_chain(session, anchor=head.strip().lower() if head else None)
    if check.ok:
        console.print(f"OK {check.count} declarations, head {check.head_hash}", highlight=False)
        return
    where = f"at seq {check.broken_seq}" if check.broken_seq is not None else "against --head"
    fail(f"chain broken {where}: {check.reason} ({check.count} rows verified)")


class _domain_errors:
    """Turn domain errors into one red line and exit code 1."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, _tb: object) -> None:
        if isinstance(error, DomainError):
            fail(str(error))


for _feature in (cli_nudges, cli_connectors, cli_playground):
    _feature.register(app)


def main() -> None:
    app()
