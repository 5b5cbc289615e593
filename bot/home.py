"""What the App Home tab shows one person: their queue, what they own, their open gaps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot import declaration_queue
from bot.gaps import Gap, compute_gaps
from bot.identity_details import IdentityDetails, details_for
from bot.lookup_views import IntegrationView
from bot.runtime import Runtime


@dataclass(frozen=True)
class Home:
    user_id: str
    queue: list[declaration_queue.QueueSummary]
    owned: list[IntegrationView]
    gaps: list[Gap]
    # What is known of the non-human identities the gaps name, by identity id.
    details: dict[int, IdentityDetails] = field(default_factory=dict)


def home_for(
    session: Session,
    *,
    user_id: str,
    review_days: int,
    now: datetime,
    unused_days: int,
    admin_review_days: int,
    shown: int | None = None,
) -> Home:
    """`shown`: how many gaps the tab lists by name, the only ones whose details are read."""
    owned = [IntegrationView.of(i) for i in declaration_queue.stewarded(session, user_id=user_id)]
    if not owned:
        return Home(user_id, [], [], [])
    gaps = compute_gaps(
        session,
        review_days=review_days,
        now=now,
        owner=user_id,
        unused_days=unused_days,
        admin_review_days=admin_review_days,
    )
    named = [g.identity_id for g in gaps[:shown] if g.identity_id is not None]
    return Home(
        user_id=user_id,
        queue=declaration_queue.summaries_for(
            session, user_id=user_id, review_days=review_days, now=now
        ),
        owned=owned,
        gaps=gaps,
        details=details_for(session, named, now=now),
    )


def read_home(runtime: Runtime, *, user_id: str, shown: int | None = None) -> Home:
    """`home_for` as of now, under the configured intervals, in one reading unit of work."""
    settings = runtime.settings
    with runtime.reading() as session:
        return home_for(
            session,
            user_id=user_id,
            review_days=settings.review_days,
            now=runtime.clock.now(),
            unused_days=settings.unused_days,
            admin_review_days=settings.admin_review_days,
            shown=shown,
        )
