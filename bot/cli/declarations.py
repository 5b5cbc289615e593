"""`declare` and `rule`: an identity's lane, one at a time or many by a lane rule."""

from __future__ import annotations

from typing import Annotated

import typer

from bot import declarations, identities, rules
from bot.cli.output import say
from bot.cli.runtime import domain_errors, operator, runtime
from storage.vocabulary import Answer


def declare(
    integration: Annotated[str, typer.Argument(help="The identity's integration.")],
    identity: Annotated[
        str,
        typer.Argument(
            help="The identity's external id or email (an email shared by several identities"
            " of the integration is refused: use the external id)."
        ),
    ],
    answer: Annotated[Answer, typer.Argument(help="workforce, customer or remove.")],
    note: Annotated[str | None, typer.Option(help="Why; justifies a lane mismatch.")] = None,
) -> None:
    """Declare one identity's lane (appends to the audit chain, as the operator)."""
    built = runtime()
    actor = operator(built)
    with domain_errors(), built.unit_of_work() as session:
        found = identities.find_identity(
            session, integration_name=integration, id_or_email=identity
        )
        external_id = found.external_id
        declarations.declare(
            session,
            actor=actor,
            identity_id=found.id or 0,
            answer=answer,
            note=note,
            now=built.clock.now(),
        )
    say(f"{external_id} is now {answer}")


def rule(
    integration: Annotated[str, typer.Argument(help="The integration the rule is for.")],
    match: Annotated[str, typer.Argument(help="domain:acme.com, kind:service_account, role:x")],
    answer: Annotated[Answer, typer.Argument(help="workforce or customer.")],
) -> None:
    """Add a lane rule and declare every undeclared identity it covers."""
    built = runtime()
    actor = operator(built)
    with domain_errors(), built.unit_of_work() as session:
        recorded = rules.add_rule(
            session,
            actor=actor,
            integration_name=integration,
            rule=match,
            answer=answer,
            now=built.clock.now(),
        )
    plural = "identity" if recorded.count == 1 else "identities"
    say(f"{recorded.count} {plural} declared {answer} by the rule")


def register(app: typer.Typer) -> None:
    app.command()(declare)
    app.command()(rule)
