"""`who` and `gaps`: the read-only questions, as a table, json or tsv."""

from __future__ import annotations

from typing import Annotated

import typer

from bot import integrations
from bot.cli.output import FormatOption, emit, fail
from bot.cli.records import (
    GAP_COLUMNS,
    gap_record,
    identity_names,
    lookup_columns,
    lookup_document,
    lookup_rows,
)
from bot.cli.render import gaps_table, lookup_renderable
from bot.cli.runtime import domain_errors, runtime
from bot.gaps import compute_gaps
from bot.lookup_views import Lookup
from bot.who import MIN_PREFIX, look_up

WHO_HELP = "Integration, Slack user id, email, domain, name or id; or the start of one."


def who(
    query: Annotated[str, typer.Argument(help=WHO_HELP)],
    output_format: FormatOption = None,
) -> None:
    """Who owns an integration (its lanes and open gaps); an identity's or email's lane; what a
    Slack user owns; the identities of an email domain. The start of a name finds what starts
    with it (at least 3 characters); a miss suggests what looks alike.

    json is one object: query, kind, integration, summary, owned, identities, owned_identities,
    integrations, suggestions, more.
    tsv has one row per integration or identity found (`match` says why it is there); for a
    Slack user, one row per integration (their keys are in the json).
    """
    built = runtime()
    with domain_errors():
        found = look_up(built, query=query)
    if not found.found:
        fail(_missed(found))
    emit(
        output_format,
        columns=lookup_columns(found),
        rows=lookup_rows(found),
        table=lambda: lookup_renderable(found),
        document=lambda: lookup_document(found),
    )


def _missed(found: Lookup) -> str:
    if found.too_short:
        return f"`{found.query}` is too short to search (at least {MIN_PREFIX} characters)"
    if found.suggestions:
        meant = ", ".join(f"{s.text} ({s.what})" for s in found.suggestions)
        return f"nothing matches `{found.query}`; did you mean: {meant}"
    return f"nothing matches `{found.query}`"


def gaps(
    integration: Annotated[str | None, typer.Option(help="Only this integration.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only integrations this user owns.")] = None,
    output_format: FormatOption = None,
) -> None:
    """Open gaps, most urgent first.

    An identity shows as its email, else its display name, else its external id.
    json and tsv also give the external id.
    """
    built = runtime()
    with domain_errors(), built.reading() as session:
        if integration:
            integrations.get_integration(session, integration)
        found = compute_gaps(
            session,
            review_days=built.settings.review_days,
            unused_days=built.settings.unused_days,
            admin_review_days=built.settings.admin_review_days,
            integration=integration.strip().lower() if integration else None,
            owner=owner,
            now=built.clock.now(),
        )
        names = identity_names(session, ((gap.integration, gap.identity) for gap in found))
    emit(
        output_format,
        columns=GAP_COLUMNS,
        rows=[gap_record(gap, names) for gap in found],
        table=lambda: gaps_table(found, names),
    )


def register(app: typer.Typer) -> None:
    app.command()(who)
    app.command()(gaps)
