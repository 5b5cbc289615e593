"""The evidence package for a requester in Slack: admins only (it lists every identity in scope
with its owner and lane), built into a directory the caller owns and then deletes."""

from __future__ import annotations

from pathlib import Path

from bot.authorization import Actor
from bot.campaigns import events
from bot.errors import NotAllowed
from bot.evidence.package import PackageSummary, export_package
from bot.runtime import Runtime


def package_for(
    runtime: Runtime, *, actor: Actor, campaign: str | None, directory: Path
) -> PackageSummary:
    """Export one campaign's package (or the current state's, with no campaign) as a zip in
    `directory`."""
    require_package_access(actor)
    with runtime.reading() as session:
        name = events.get_campaign(session, campaign).name if campaign else "current-state"
        return export_package(
            session,
            campaign=campaign and name,
            output=directory / f"boundary-evidence-{name}.zip",
            now=runtime.clock.now(),
        )


def require_package_access(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed(
            "Only an admin (BOUNDARY_ADMINS) can take the evidence package: it lists every"
            " identity in scope, with its owner and lane."
        )
