"""`connect`, `sync` and `claim`: where an integration's identities and SSO/SCIM facts come from."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import SpinnerColumn, TextColumn

from bot import coverage
from bot.cli.output import fail, progress, say
from bot.cli.runtime import domain_errors, operator, runtime
from bot.connectors import ConnectorKind
from bot.sync import SyncOutcome, connect_integration, sync_all, sync_integration
from storage.vocabulary import CoverageKind


def connect(
    integration: Annotated[str, typer.Argument(help="The integration to connect.")],
    kind: Annotated[ConnectorKind, typer.Option(help="Which source feeds it.")],
    url: Annotated[str | None, typer.Option(help="Base URL of the source's API.")] = None,
    secret_env: Annotated[
        str | None,
        typer.Option(help="Name of the environment variable holding the token (never the token)."),
    ] = None,
    scim_filter: Annotated[
        str | None,
        typer.Option(
            "--filter",
            help='SCIM filter; Okta with --apps all: an app filter (status eq "ACTIVE").',
        ),
    ] = None,
    page_size: Annotated[int | None, typer.Option(help="SCIM page size.")] = None,
    groups: Annotated[bool, typer.Option(help="SCIM: also read /Groups.")] = False,
    directory: Annotated[
        str | None, typer.Option(help="SCIM: the directory's layer, platform or application.")
    ] = None,
    app_id: Annotated[str | None, typer.Option(help="Okta: the app's id.")] = None,
    apps: Annotated[
        str | None, typer.Option(help="Okta: `all`, every app of the org as its own integration.")
    ] = None,
    label_prefix: Annotated[
        str | None, typer.Option(help="Okta with --apps all: only apps whose label starts so.")
    ] = None,
    path: Annotated[str | None, typer.Option(help="CSV: the file to read on each sync.")] = None,
) -> None:
    """Store a connector's settings; secrets are named by environment variable only."""
    given: dict[str, Any] = {
        "url": url,
        "secret_env": secret_env,
        "filter": scim_filter,
        "page_size": page_size,
        "groups": groups or None,
        "directory": directory,
        "app_id": app_id,
        "apps": apps,
        "label_prefix": label_prefix,
        "path": path,
    }
    built = runtime()
    with domain_errors(), built.unit_of_work() as session:
        found = connect_integration(
            session,
            actor=operator(built),
            integration_name=integration,
            kind=kind,
            settings={k: v for k, v in given.items() if v is not None},
            now=built.clock.now(),
        )
        shown = ", ".join(f"{k}={v}" for k, v in found.connector_settings.items())
        name = found.name
    say(f"{name}: {kind} connector saved ({shown}); run `boundary-bot sync {name}`")


def sync(
    integration: Annotated[
        str | None, typer.Argument(help="Only this integration (default: every connector).")
    ] = None,
) -> None:
    """Pull identities and SSO/SCIM facts from the connected sources now."""
    built = runtime()
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}: {task.completed} identities", markup=False),
    )
    # Errors are reported after the progress display has stopped, not through it.
    with domain_errors(), progress(*columns) as bar:
        task = bar.add_task(f"syncing {integration or 'all'}", total=None)
        if integration:
            outcomes = [
                sync_integration(
                    built,
                    actor=operator(built),
                    integration_name=integration,
                    progress=lambda n: bar.advance(task, n),
                )
            ]
        else:
            outcomes = sync_all(built)
    for outcome in outcomes:
        say(_line(outcome))
    if any(not outcome.ok for outcome in outcomes):
        raise typer.Exit(1)


def claim(
    integration: Annotated[str, typer.Argument(help="The integration the claim is about.")],
    evidence: Annotated[str, typer.Option(help="A link that shows it (ticket, IdP screen).")],
    sso: Annotated[str | None, typer.Option(help="enforced, optional or none.")] = None,
    scim: Annotated[str | None, typer.Option(help="enabled, platform-only or none.")] = None,
) -> None:
    """Claim SSO or SCIM coverage by hand; it expires after the review interval."""
    if (sso is None) == (scim is None):
        fail("give exactly one of --sso or --scim")
    kind, value = (CoverageKind.SSO, sso) if sso is not None else (CoverageKind.SCIM, scim)
    built = runtime()
    with domain_errors(), built.unit_of_work() as session:
        made = coverage.claim_coverage(
            session,
            actor=operator(built),
            integration_name=integration,
            kind=kind,
            value=value or "",
            evidence_url=evidence,
            review_days=built.settings.review_days,
            now=built.clock.now(),
        )
        until = made.expires_at
    say(f"{integration}: {kind} `{value}` claimed until {until:%Y-%m-%d}")


def _line(outcome: SyncOutcome) -> str:
    if not outcome.ok:
        return f"{outcome.integration}: FAILED, previous data kept: {outcome.error}"
    extra = f", new integrations: {', '.join(outcome.new_integrations)}"
    return (
        f"{outcome.integration}: {outcome.seen} seen, {outcome.created} created,"
        f" {outcome.updated} updated, {outcome.deactivated} deactivated,"
        f" {outcome.declared_by_rules} declared by lane rules"
        + (extra if outcome.new_integrations else "")
    )


def register(app: typer.Typer) -> None:
    app.command()(connect)
    app.command()(sync)
    app.command()(claim)
