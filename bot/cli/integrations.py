"""`integration add`, `integration list` and `import`: the inventory of integrations and their
identities."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn

from bot import csv_import, integrations
from bot.cli.output import FormatOption, emit, fail, progress, say
from bot.cli.records import INTEGRATION_COLUMNS, integration_record
from bot.cli.render import integrations_table
from bot.cli.runtime import domain_errors, operator, runtime
from storage.vocabulary import Layer, ScimStatus, SsoStatus


def integration_add(
    name: Annotated[str, typer.Argument(help="A slug, e.g. openai-platform.")],
    layer: Annotated[Layer, typer.Option(help="platform or application.")],
    owner: Annotated[str, typer.Option(help="The owner's Slack user id.")],
    backup: Annotated[str | None, typer.Option(help="The backup owner's Slack user id.")] = None,
    channel: Annotated[str | None, typer.Option(help="The team's Slack channel id.")] = None,
    sso: Annotated[SsoStatus, typer.Option(help="A claim: needs --evidence.")] = SsoStatus.UNKNOWN,
    scim: Annotated[
        ScimStatus, typer.Option(help="A claim: needs --evidence.")
    ] = ScimStatus.UNKNOWN,
    evidence: Annotated[
        str | None,
        typer.Option(help="A link that shows the --sso/--scim status (ticket, IdP screen)."),
    ] = None,
) -> None:
    """Register an integration; an SSO or SCIM status given is a claim with its evidence, and
    expires after the review interval like any other."""
    if (sso, scim) != (SsoStatus.UNKNOWN, ScimStatus.UNKNOWN) and not evidence:
        fail("--sso and --scim are claims: give the link that shows them with --evidence")
    built = runtime()
    actor = operator(built)
    with domain_errors(), built.unit_of_work() as session:
        integration = integrations.register_integration(
            session,
            actor=actor,
            name=name,
            layer=layer,
            now=built.clock.now(),
            owner=owner,
            backup_owner=backup,
            channel=channel,
            sso=sso,
            scim=scim,
            evidence_url=evidence,
            review_days=built.settings.review_days,
        )
        say(f"registered {integration.name} ({integration.layer}), owner {owner}")


def integration_list(output_format: FormatOption = None) -> None:
    """List every integration with its owner and SSO/SCIM status."""
    built = runtime()
    with built.reading() as session:
        every = integrations.list_integrations(session)
    emit(
        output_format,
        columns=INTEGRATION_COLUMNS,
        rows=[integration_record(item) for item in every],
        table=lambda: integrations_table(every),
    )


def import_command(
    integration: Annotated[str, typer.Argument(help="The integration to import into.")],
    csv_file: Annotated[
        Path, typer.Option("--csv", exists=True, dir_okay=False, readable=True, help="CSV file.")
    ],
) -> None:
    """Import identities from a CSV file (all or nothing; re-importing changes nothing)."""
    built = runtime()
    actor = operator(built)
    data = csv_file.read_bytes()
    columns = (TextColumn("importing", markup=False), BarColumn(), MofNCompleteColumn())
    # Errors are reported after the progress display has stopped, not through it.
    with domain_errors(), progress(*columns) as bar:
        task = bar.add_task("rows", total=max(data.count(b"\n") - 1, 1))
        with built.unit_of_work() as session:
            result = csv_import.import_csv(
                session,
                actor=actor,
                integration_name=integration,
                data=data,
                progress=lambda n: bar.advance(task, n),
                now=built.clock.now(),
            )
    say(
        f"{result.integration}: {result.created} created, {result.updated} updated,"
        f" {result.unchanged} unchanged, {result.declared_by_rules} declared by lane rules"
    )


def register(app: typer.Typer) -> None:
    group = typer.Typer(no_args_is_help=True, help="Register and list integrations.")
    group.command("add")(integration_add)
    group.command("list")(integration_list)
    app.add_typer(group, name="integration")
    app.command("import")(import_command)
