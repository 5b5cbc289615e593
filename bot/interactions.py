"""Acting once on each interaction: a replayed click, selection or form submission is noticed
by Slack's own id for it and changes nothing, whichever replica receives it."""

from __future__ import annotations

from bot.runtime import Runtime
from storage import interactions


def first_time(runtime: Runtime, *, key: str) -> bool:
    """True the first time this interaction is seen; its record commits before it is acted on,
    so a replay racing the original on another replica is refused by the database."""
    with runtime.unit_of_work() as session:
        return interactions.first_sighting(session, key=key[:200], now=runtime.clock.now())
