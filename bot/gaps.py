"""Gaps: findings computed from the data on demand, never stored as truth."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from storage.models import Declaration, Identity, Integration
from storage.types import utcnow
from storage.vocabulary import (
    Answer,
    GapKind,
    IdentityKind,
    IdentityStatus,
    Layer,
    ScimStatus,
    SsoStatus,
)

# Most urgent first: what the digest and the reports lead with.
URGENCY: tuple[GapKind, ...] = (
    GapKind.ORPHAN,
    GapKind.REMOVE,
    GapKind.CROSS_LANE,
    GapKind.LANE_MISMATCH,
    GapKind.SCIM,
    GapKind.SSO,
    GapKind.UNDECLARED,
    GapKind.STALE,
)

SCIM_WHY = {
    ScimStatus.PLATFORM_ONLY: "only the platform directory's SCIM covers it, and platform SCIM"
    " never provisions or deprovisions customers",
    ScimStatus.NONE: "no SCIM lifecycle for customer onboarding and offboarding",
    ScimStatus.UNKNOWN: "SCIM lifecycle status is unknown",
}


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    integration: str
    owner: str
    backup_owner: str | None
    detail: str
    identity_id: int | None = None
    identity: str | None = None  # the identity's external id

    @property
    def urgency(self) -> int:
        return URGENCY.index(self.kind)


@dataclass(frozen=True)
class _Scope:
    integrations: dict[int, Integration]


def _scope(session: Session, integration: str | None, owner: str | None) -> _Scope:
    query = select(Integration)
    if integration is not None:
        query = query.where(col(Integration.name) == integration)
    if owner is not None:
        query = query.where(
            or_(col(Integration.owner) == owner, col(Integration.backup_owner) == owner)
        )
    return _Scope({row.id or 0: row for row in session.exec(query)})


def _conflicting_emails(session: Session) -> dict[str, dict[str, list[str]]]:
    """Emails declared `workforce` in one place and `customer` in another, and where."""
    lanes = (Answer.WORKFORCE.value, Answer.CUSTOMER.value)
    base = (
        sa.select(col(Identity.email))
        .join(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
        .where(
            col(Identity.email).is_not(None),
            col(Identity.status) == IdentityStatus.ACTIVE,
            col(Declaration.answer).in_(lanes),
        )
        .group_by(col(Identity.email))
        .having(sa.func.count(sa.distinct(col(Declaration.answer))) > 1)
    )
    emails = [row.email for row in session.execute(base)]
    where: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(emails), 500):
        rows = session.execute(
            sa.select(col(Identity.email), col(Declaration.answer), col(Integration.name))
            .join(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
            .join(Integration, col(Integration.id) == col(Identity.integration_id))
            .where(
                col(Identity.email).in_(emails[start : start + 500]),
                col(Identity.status) == IdentityStatus.ACTIVE,
                col(Declaration.answer).in_(lanes),
            )
        )
        for row in rows:
            where[row.email][str(row.answer)].append(row.name)
    return where


def compute_gaps(
    session: Session,
    *,
    review_days: int,
    now: datetime | None = None,
    integration: str | None = None,
    owner: str | None = None,
) -> list[Gap]:
    """Every open gap in scope (all integrations, one integration, or one owner's), most
    urgent first."""
    moment = now or utcnow()
    stale_before = moment - timedelta(days=review_days)
    scope = _scope(session, integration, owner)
    if not scope.integrations:
        return []
    conflicts = _conflicting_emails(session)
    gaps: list[Gap] = []
    active_humans: Counter[int] = Counter()

    for row in _identity_rows(session, list(scope.integrations)):
        owning = scope.integrations[row.integration_id]
        active = row.status == IdentityStatus.ACTIVE
        if active and row.kind == IdentityKind.HUMAN:
            active_humans[row.integration_id] += 1
        for kind, detail in _identity_findings(row, owning, active, stale_before, conflicts):
            gaps.append(
                Gap(
                    kind=kind,
                    integration=owning.name,
                    owner=owning.owner,
                    backup_owner=owning.backup_owner,
                    detail=detail,
                    identity_id=row.id,
                    identity=row.external_id,
                )
            )

    for integration_id, owning in scope.integrations.items():
        gaps.extend(_integration_findings(owning, active_humans[integration_id]))
    gaps.sort(key=lambda gap: (gap.urgency, gap.integration, gap.identity or ""))
    return gaps


def _identity_rows(session: Session, integration_ids: Sequence[int]) -> Iterable[Any]:
    query = (
        sa.select(
            col(Identity.id),
            col(Identity.integration_id),
            col(Identity.external_id),
            col(Identity.email),
            col(Identity.kind),
            col(Identity.status),
            col(Declaration.answer),
            col(Declaration.declared_at),
            col(Declaration.note),
        )
        .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
        .execution_options(yield_per=10_000)
    )
    if len(integration_ids) <= 1000:
        query = query.where(col(Identity.integration_id).in_(integration_ids))
    integration_set = set(integration_ids)
    for row in session.execute(query):
        if row.integration_id in integration_set:
            yield row


def _identity_findings(
    row: Any,
    integration: Integration,
    active: bool,
    stale_before: datetime,
    conflicts: dict[str, dict[str, list[str]]],
) -> Iterable[tuple[GapKind, str]]:
    answer, note, email = row.answer, row.note, row.email
    if answer is None:
        if active:
            yield GapKind.UNDECLARED, "active, and no lane has been declared"
        return
    if answer == Answer.REMOVE:
        if active:
            yield GapKind.REMOVE, "declared `remove`, but its source still reports it active"
        return
    if not active:
        return
    declared_at: datetime = row.declared_at
    if declared_at < stale_before:
        yield GapKind.STALE, f"lane last declared {declared_at:%Y-%m-%d}; due for review"
    if not note:
        if answer == Answer.WORKFORCE and integration.layer == Layer.APPLICATION:
            yield (
                GapKind.LANE_MISMATCH,
                (
                    "`workforce` identity in an application integration (staff access to a customer"
                    " tenant) with no note that justifies it"
                ),
            )
        elif answer == Answer.CUSTOMER and integration.layer == Layer.PLATFORM:
            yield (
                GapKind.LANE_MISMATCH,
                ("`customer` identity in a platform integration with no note that justifies it"),
            )
    if email is not None and email in conflicts:
        other = Answer.CUSTOMER if answer == Answer.WORKFORCE else Answer.WORKFORCE
        elsewhere = ", ".join(sorted(set(conflicts[email][other.value])))
        yield GapKind.CROSS_LANE, f"{email} is `{answer}` here but `{other}` in {elsewhere}"


def _integration_findings(integration: Integration, active_humans: int) -> Iterable[Gap]:
    def gap(kind: GapKind, detail: str) -> Gap:
        return Gap(kind, integration.name, integration.owner, integration.backup_owner, detail)

    if not integration.owner_active:
        yield gap(GapKind.ORPHAN, f"owner <@{integration.owner}> is deactivated or gone in Slack")
    if active_humans and integration.sso != SsoStatus.ENFORCED:
        yield gap(
            GapKind.SSO,
            f"{active_humans} active human identit{'y' if active_humans == 1 else 'ies'}"
            f" and SSO is `{integration.sso}`, not `enforced`",
        )
    if integration.layer == Layer.APPLICATION and integration.scim != ScimStatus.ENABLED:
        yield gap(GapKind.SCIM, SCIM_WHY[ScimStatus(integration.scim)])


def count_by_kind(gaps: Iterable[Gap]) -> dict[GapKind, int]:
    counts = Counter(gap.kind for gap in gaps)
    return {kind: counts[kind] for kind in URGENCY if counts[kind]}
