"""What the App Home tab shows one person: their queue, what they own, their open gaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot import declaration_queue
from bot.gaps import Gap, compute_gaps
from bot.runtime import Runtime
from bot.who import IntegrationView


@dataclass(frozen=True)
class Home:
    user_id: str
    queue: list[declaration_queue.QueueSummary]
    owned: list[IntegrationView]
    gaps: list[Gap]


def home_for(session: Session, *, user_id: str, review_days: int, now: datetime) -> Home:
    owned = [IntegrationView.of(i) for i in declaration_queue.stewarded(session, user_id=user_id)]
    if not owned:
        return Home(user_id, [], [], [])
    return Home(
        user_id=user_id,
        queue=declaration_queue.summaries_for(
            session, user_id=user_id, review_days=review_days, now=now
        ),
        owned=owned,
        gaps=compute_gaps(session, review_days=review_days, now=now, owner=user_id),
    )


def read_home(runtime: Runtime, *, user_id: str) -> Home:
    """`home_for` as of now, in one reading unit of work."""
    with runtime.reading() as session:
        return home_for(
            session,
            user_id=user_id,
            review_days=runtime.settings.review_days,
            now=runtime.clock.now(),
        )
