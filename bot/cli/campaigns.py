"""`campaign start|status|decide|keep-rest|delegate|signoff|close`: review campaigns from the
terminal, credited to the named operator (`--as` or BOUNDARY_OPERATOR)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

import typer
from rich.table import Table

from bot.campaigns import closing, delegation, events, progress, review
from bot.campaigns.launch import start_campaign
from bot.cli.output import FormatOption, emit, fail, say
from bot.cli.runtime import domain_errors, operator, runtime
from bot.text import plural
from storage.vocabulary import Answer, CloseRule, Decision

STATUS_COLUMNS = ("campaign", "due", "integration", "owner", "decided", "total", "signed_off_by")


def _due(value: str, today: date) -> date:
    """`YYYY-MM-DD`, or `+Nd`: N days from today (UTC)."""
    text = value.strip().lower()
    if text.startswith("+") and text.endswith("d") and text[1:-1].isdigit():
        return today + timedelta(days=int(text[1:-1]))
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--due: `{value[:40]}` is not a date like 2027-03-31, or +30d", 2)


def start(
    name: Annotated[str, typer.Argument(help="A slug, like q1-boundary-review.")],
    due: Annotated[str, typer.Option(help="The due date: YYYY-MM-DD, or +30d (days from today).")],
    integration: Annotated[
        list[str] | None, typer.Option(help="Only this integration (repeat it); default: all.")
    ] = None,
    allow_stale: Annotated[
        bool, typer.Option(help="Launch although a source is stale; needs --reason.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option(help="Why the stale sources are acceptable.")
    ] = None,
) -> None:
    """Start a campaign: freeze the population in scope and record its root in the chain."""
    built = runtime()
    actor = operator(built)
    due_on = _due(due, built.clock.now().date())
    with domain_errors(), built.unit_of_work() as session:
        launched = start_campaign(
            session,
            actor=actor,
            name=name,
            due_on=due_on,
            integrations=integration or (),
            allow_stale=allow_stale,
            reason=reason,
            now=built.clock.now(),
            max_sync_age=timedelta(hours=built.settings.campaign_sync_max_age_hours),
        )
    say(
        f"started {launched.name}: {launched.population} identities in"
        f" {len(launched.scope)} integrations, due {launched.due_on.isoformat()}"
    )
    say(f"population root {launched.root}")
    say(f"chain head {launched.head}")
    for source in launched.stale:
        say(f"stale, allowed: {source.integration}: {source.reason}", stderr=True)


def status(
    name: Annotated[str | None, typer.Argument(help="A campaign; default: every open one.")] = None,
    output_format: FormatOption = None,
) -> None:
    """Progress per integration and owner: decided of total, signed off, overdue."""
    built = runtime()
    with domain_errors(), built.reading() as session:
        found = progress.campaign_status(session, name=name, today=built.clock.now().date())
    rows: list[dict[str, Any]] = [
        {
            "campaign": campaign.name,
            "due": campaign.due_on.isoformat(),
            "integration": row.integration,
            "owner": row.owner,
            "decided": row.decided,
            "total": row.total,
            "signed_off_by": row.signed_off_by,
        }
        for campaign in found
        for row in campaign.integrations
    ]
    emit(
        output_format,
        columns=STATUS_COLUMNS,
        rows=rows,
        table=lambda: _table(found),
        document=lambda: [_document(campaign) for campaign in found],
    )


def _table(found: list[progress.CampaignProgress]) -> Table:
    table = Table(*STATUS_COLUMNS, title=None if found else "no open campaign")
    for campaign in found:
        state = "closed" if campaign.closed_at else ("OVERDUE" if campaign.overdue else "open")
        table.add_row(
            f"{campaign.name} ({state})",
            campaign.due_on.isoformat(),
            "all",
            "",
            str(campaign.decided),
            str(campaign.population),
            f"{campaign.signed_off}/{len(campaign.integrations)} signed off",
        )
        for row in campaign.integrations:
            table.add_row(
                "",
                "",
                row.integration,
                row.owner,
                str(row.decided),
                str(row.total),
                row.signed_off_by or "",
            )
    return table


def _document(campaign: progress.CampaignProgress) -> dict[str, Any]:
    return {
        "campaign": campaign.name,
        "due": campaign.due_on.isoformat(),
        "state": "closed" if campaign.closed_at else "open",
        "overdue": campaign.overdue,
        "days_left": campaign.days_left,
        "population": campaign.population,
        "population_root": campaign.root,
        "decided": campaign.decided,
        "stale_reason": campaign.stale_reason,
        "close_rule": campaign.close_rule,
        "integrations": [
            {
                "integration": row.integration,
                "owner": row.owner,
                "delegate": row.delegate,
                "decided": row.decided,
                "total": row.total,
                "signed_off_by": row.signed_off_by,
            }
            for row in campaign.integrations
        ],
    }


def decide(
    name: Annotated[str, typer.Argument(help="The campaign.")],
    integration: Annotated[str, typer.Argument(help="The identity's integration.")],
    identity: Annotated[str, typer.Argument(help="The identity's external id or email.")],
    decision: Annotated[Decision, typer.Argument(help="keep, change or remove.")],
    lane: Annotated[Answer | None, typer.Option(help="The new lane, for change.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why; required to change or remove.")] = None,
) -> None:
    """Decide one item of a campaign (appends to the audit chain, as the operator)."""
    built = runtime()
    actor = operator(built)
    with domain_errors(), built.unit_of_work() as session:
        campaign = events.get_open_campaign(session, name)
        item = events.find_item(
            session, campaign=campaign, integration=integration, identity=identity
        )
        decided = review.decide(
            session,
            actor=actor,
            campaign_name=campaign.name,
            position=item.position,
            decision=decision,
            lane=lane,
            reason=reason,
            now=built.clock.now(),
        )
        external_id = item.external_id
    say(f"{decided.campaign}: {external_id} decided {decision}")


def keep_rest(
    name: Annotated[str, typer.Argument(help="The campaign.")],
    integration: Annotated[str, typer.Argument(help="The integration.")],
    reason: Annotated[str | None, typer.Option(help="A note for the record.")] = None,
) -> None:
    """Keep the lane of every undecided item of one integration that has a lane."""
    built = runtime()
    actor = operator(built)
    with domain_errors(), built.unit_of_work() as session:
        decided = review.decide_remaining(
            session,
            actor=actor,
            campaign_name=name,
            integration_name=integration,
            reason=reason,
            now=built.clock.now(),
        )
    say(f"{decided.campaign}: kept {decided.count} in {decided.integration}")
    if decided.skipped_undeclared:
        waiting = plural(decided.skipped_undeclared, "identity", "identities")
        say(f"{waiting} without a lane to keep: decide them one by one")


def delegate(
    name: Annotated[str, typer.Argument(help="The campaign.")],
    integration: Annotated[str, typer.Argument(help="The integration.")],
    reviewer: Annotated[str, typer.Argument(help="The reviewer's Slack user id.")],
    identity: Annotated[
        str | None, typer.Option(help="Only this identity (external id or email).")
    ] = None,
) -> None:
    """Hand an integration's items (or one item) to another reviewer."""
    built = runtime()
    actor = operator(built)
    with domain_errors(), built.unit_of_work() as session:
        user = delegation.delegate(
            session,
            actor=actor,
            campaign_name=name,
            integration_name=integration,
            reviewer=reviewer,
            identity=identity,
            now=built.clock.now(),
        )
    say(f"{name}: {identity or integration} delegated to {user}")


def signoff(
    name: Annotated[str, typer.Argument(help="The campaign.")],
    integration: Annotated[str, typer.Argument(help="The integration, every item decided.")],
) -> None:
    """Sign off an integration: its decisions in this campaign are locked."""
    built = runtime()
    actor = operator(built)
    with domain_errors(), built.unit_of_work() as session:
        signed = closing.sign_off(
            session,
            actor=actor,
            campaign_name=name,
            integration_name=integration,
            now=built.clock.now(),
        )
    say(f"{signed.campaign}: {signed.integration} signed off ({signed.decided} decided)")


def close(
    name: Annotated[str, typer.Argument(help="The campaign.")],
    rule: Annotated[
        CloseRule,
        typer.Option(
            help="leave: record undecided items as unreviewed; escalate: also tell the"
            " escalation channel."
        ),
    ] = CloseRule.LEAVE,
) -> None:
    """Close a campaign; what is still undecided is recorded and listed, never hidden."""
    built = runtime()
    actor = operator(built)
    with domain_errors(), built.unit_of_work() as session:
        closed = closing.close_campaign(
            session, actor=actor, campaign_name=name, rule=rule, now=built.clock.now()
        )
    say(f"closed {closed.campaign}: {closed.decided} of {closed.total} decided")
    for entry in closed.unreviewed:
        say(f"unreviewed: {entry.integration} (owner {entry.owner}): {entry.undecided}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        no_args_is_help=True, help="Review campaigns: start, decide, sign off, close."
    )
    for command in (start, status, decide, delegate, signoff, close):
        group.command()(command)
    group.command("keep-rest")(keep_rest)
    app.add_typer(group, name="campaign")
