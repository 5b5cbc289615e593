"""What the declaration prompt shows, each read in its own unit of work: the first page of each
queue to send someone, the page after a cursor, and a page as it stands after answers."""

from __future__ import annotations

from collections.abc import Sequence

from bot import declaration_queue
from bot.authorization import Actor, require_steward
from bot.declaration_queue import QueuePage
from bot.integrations import get_integration
from bot.runtime import Runtime

# One prompt per integration; an owner of many integrations gets the busiest few, and the App
# Home tab lists every one of them.
MAX_PROMPTS = 5


def first_pages(runtime: Runtime, *, actor: Actor, integration: str | None) -> list[QueuePage]:
    """The first page of each queue to show the actor: of one integration, or of the busiest
    they own; queues with nothing waiting are left out. Raises a DomainError for an integration
    that does not exist or that the actor may not steward."""
    now, days = runtime.clock.now(), runtime.settings.review_days
    with runtime.unit_of_work() as session:
        if integration is not None:
            names = [integration]
        else:
            summaries = declaration_queue.summaries_for(
                session, user_id=actor.user_id, review_days=days, now=now
            )
            busiest = sorted((s for s in summaries if s.pending), key=lambda s: -s.pending)
            names = [s.integration for s in busiest[:MAX_PROMPTS]]
        pages = [
            declaration_queue.queue_page(
                session, actor=actor, integration_name=name, review_days=days, now=now
            )
            for name in names
        ]
    return [page for page in pages if page.items]


def page_after(runtime: Runtime, *, actor: Actor, integration: str, after_id: int) -> QueuePage:
    """The next page of an integration's queue, after the identity id `after_id`."""
    with runtime.unit_of_work() as session:
        return declaration_queue.queue_page(
            session,
            actor=actor,
            integration_name=integration,
            review_days=runtime.settings.review_days,
            now=runtime.clock.now(),
            after_id=after_id,
        )


def page_as_now(runtime: Runtime, *, integration: str, identity_ids: Sequence[int]) -> QueuePage:
    """A page's identities as they are now, answers included, to update the prompt in place."""
    with runtime.unit_of_work() as session:
        return declaration_queue.refreshed_page(
            session,
            integration_name=integration,
            identity_ids=identity_ids,
            review_days=runtime.settings.review_days,
            now=runtime.clock.now(),
        )


def identity_label(runtime: Runtime, *, actor: Actor, identity_id: int) -> str:
    """How the prompt names one identity, for someone who may declare it (NotFound when it
    does not exist, NotAllowed for anyone but its integration's stewards)."""
    with runtime.reading() as session:
        return declaration_queue.identity_label(session, actor=actor, identity_id=identity_id)


def check_steward(runtime: Runtime, *, actor: Actor, integration: str) -> None:
    """NotFound or NotAllowed unless the actor may declare in the integration: the forms that
    declare open only for those who may submit them."""
    with runtime.reading() as session:
        require_steward(actor, get_integration(session, integration))
