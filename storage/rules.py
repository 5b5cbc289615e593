"""Repository functions for lane rules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from storage.models import LaneRule
from storage.vocabulary import RuleMatch


def for_integration(session: Session, *, integration_id: int) -> Sequence[LaneRule]:
    return session.exec(
        select(LaneRule).where(LaneRule.integration_id == integration_id).order_by(LaneRule.id)  # type: ignore[arg-type]
    ).all()


def find(session: Session, *, integration_id: int, match: RuleMatch, value: str) -> LaneRule | None:
    return session.exec(
        select(LaneRule).where(
            LaneRule.integration_id == integration_id,
            LaneRule.match == match,
            LaneRule.value == value,
        )
    ).first()
