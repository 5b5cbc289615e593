"""What is known about a non-human identity, as one compact line of mrkdwn: `api key · owner
dev@acme.com · created 2026-01-02 · last used 2026-03-04 · never expires · project Prod`."""

from __future__ import annotations

from bot.identity_details import IdentityDetails
from handlers.blocks.text import clip, day, escape

DETAILS_LIMIT = 600  # a backstop: each part is clipped on its own


def details_line(details: IdentityDetails) -> str:
    """Every part is source text or a date, escaped: an owner `<!channel>` pings nobody."""
    facts = [str(details.kind).replace("_", " ")]
    if details.owner:
        facts.append(
            ("created by " if details.owner_is_creator else "owner ")
            + escape(clip(details.owner, 80))
        )
    if details.created_at is not None:
        facts.append(f"created {day(details.created_at)}")
    if details.last_used_at is not None:
        facts.append(f"last used {day(details.last_used_at)}")
    elif details.never_used:
        facts.append("never used")
    if details.expires_at is not None:
        facts.append(f"{'expired' if details.expired else 'expires'} {day(details.expires_at)}")
    elif details.never_expires:
        facts.append("never expires")
    if details.scopes:
        facts.append(f"scopes {escape(clip(details.scopes, 80))}")
    if details.role:
        facts.append(f"role {escape(clip(details.role, 40))}")
    if details.organisation_wide:
        facts.append("organisation-wide")
    elif details.container:
        noun = f"{details.container_noun} " if details.container_noun else ""
        facts.append(noun + escape(clip(details.container, 60)))
    return clip(" · ".join(facts), DETAILS_LIMIT)
