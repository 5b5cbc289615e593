"""Gaps: findings computed from the data on demand, never stored as truth."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, or_

from storage.models import Declaration, Identity, Integration
from storage.types import UtcDateTime
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
class _Owning:
    """What the per-identity loop needs of an integration, as plain attributes."""

    name: str
    owner: str
    backup_owner: str | None
    layer: str
    sso: str
    scim: str
    owner_active: bool


def _owning_query() -> sa.Select[Any]:
    """An integration as `_Owning` wants it: Core rows, stored strings as they are."""
    return sa.select(
        col(Integration.id),
        col(Integration.name),
        col(Integration.owner),
        col(Integration.backup_owner),
        _raw(col(Integration.layer)),
        _raw(col(Integration.sso)),
        _raw(col(Integration.scim)),
        col(Integration.owner_active),
    )


def _scope(session: Session, integration: str | None, owner: str | None) -> dict[int, _Owning]:
    query = _owning_query()
    if integration is not None:
        query = query.where(col(Integration.name) == integration)
    if owner is not None:
        query = query.where(
            or_(col(Integration.owner) == owner, col(Integration.backup_owner) == owner)
        )
    # Through the session, not its connection: pending changes are flushed first.
    return {row[0]: _Owning(*row[1:]) for row in session.execute(query)}


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
    now: datetime,
    integration: str | None = None,
    owner: str | None = None,
) -> list[Gap]:
    """Every open gap in scope (all integrations, one integration, or one owner's), most
    urgent first.

    Identities stream through one pass; only gaps are kept, so memory grows with the
    findings, not with the inventory.
    """
    moment = now
    stale_before = moment - timedelta(days=review_days)
    scope = _scope(session, integration, owner)
    if not scope:
        return []
    rows = _identity_rows(session, list(scope), stale_before)
    gaps = list(_findings(session, scope, rows))
    gaps.sort(key=lambda gap: (gap.urgency, gap.integration, gap.identity or ""))
    return gaps


def _findings(session: Session, scope: dict[int, _Owning], rows: Iterable[Any]) -> Iterator[Gap]:
    """The rules of every gap kind, applied to identity rows of the integrations in scope.

    The loop is deliberately flat and works on plain rows: it runs once per identity.
    """
    conflicts = _conflicting_emails(session)
    active_humans: Counter[int] = Counter()
    active, human = IdentityStatus.ACTIVE.value, IdentityKind.HUMAN.value
    workforce, customer, remove = (a.value for a in Answer)
    application, platform = Layer.APPLICATION.value, Layer.PLATFORM.value

    for row in rows:
        identity_id, integration_id, external_id, email, kind, status, answer = row[:7]
        if status != active:
            continue  # gone at its source: nothing left to review, even a `remove`
        owning = scope[integration_id]
        found: list[tuple[GapKind, str]] = []
        if kind == human:
            active_humans[integration_id] += 1
        if answer is None:
            found.append((GapKind.UNDECLARED, "active, and no lane has been declared"))
        elif answer == remove:
            found.append((GapKind.REMOVE, _STILL_ACTIVE))
        else:
            declared_at, note, stale = row[7:]
            if stale:
                when = str(declared_at)[:10]
                found.append((GapKind.STALE, f"lane last declared {when}; due for review"))
            if not note:
                if answer == workforce and owning.layer == application:
                    found.append((GapKind.LANE_MISMATCH, _MISMATCH_WORKFORCE))
                elif answer == customer and owning.layer == platform:
                    found.append((GapKind.LANE_MISMATCH, _MISMATCH_CUSTOMER))
            if email is not None and email in conflicts:
                other = customer if answer == workforce else workforce
                elsewhere = ", ".join(sorted(set(conflicts[email][other])))
                found.append(
                    (GapKind.CROSS_LANE, f"{email} is `{answer}` here but `{other}` in {elsewhere}")
                )
        for gap_kind, detail in found:
            yield Gap(
                gap_kind,
                owning.name,
                owning.owner,
                owning.backup_owner,
                detail,
                identity_id,
                external_id,
            )

    for integration_id, owning in scope.items():
        yield from _integration_findings(owning, active_humans[integration_id])


_STILL_ACTIVE = "declared `remove`, but its source still reports it active"
_MISMATCH_WORKFORCE = (
    "`workforce` identity in an application integration (staff access to a customer"
    " tenant) with no note that justifies it"
)
_MISMATCH_CUSTOMER = "`customer` identity in a platform integration with no note that justifies it"


def _raw(column: Any) -> Any:
    """The stored string itself: skips the enum and datetime conversions, once per row."""
    return sa.type_coerce(column, sa.String).label(column.key)


def _identity_rows(
    session: Session, integration_ids: Sequence[int], stale_before: datetime
) -> Iterable[Any]:
    stale = sa.case(
        (col(Declaration.declared_at) < sa.bindparam("stale_before", stale_before, UtcDateTime), 1),
        else_=0,
    )
    query = (
        sa.select(
            col(Identity.id),
            col(Identity.integration_id),
            col(Identity.external_id),
            col(Identity.email),
            _raw(col(Identity.kind)),
            _raw(col(Identity.status)),
            _raw(col(Declaration.answer)),
            _raw(col(Declaration.declared_at)),
            col(Declaration.note),
            stale.label("stale"),
        )
        .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
        .execution_options(yield_per=10_000)
    )
    if len(integration_ids) <= 1000:
        query = query.where(col(Identity.integration_id).in_(integration_ids))
        # Core, not the ORM result layer: this runs once per identity in the inventory.
        yield from session.connection().execute(query)
        return
    integration_set = set(integration_ids)
    for row in session.connection().execute(query):
        if row[1] in integration_set:
            yield row


def _integration_findings(integration: _Owning, active_humans: int) -> Iterable[Gap]:
    def gap(kind: GapKind, detail: str) -> Gap:
        return Gap(kind, integration.name, integration.owner, integration.backup_owner, detail)

    if not integration.owner_active:
        yield gap(GapKind.ORPHAN, "the owner is deactivated or gone in Slack")
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


def gaps_of_integrations(
    session: Session, *, integration_ids: Iterable[int], review_days: int, now: datetime
) -> Iterable[Gap]:
    """The open gaps of these integrations, streamed in no particular order: what
    `compute_gaps` finds for them, for a caller that knows which integrations it needs and
    summarises as it goes (the nudge cycle: the due owners' integrations, once per cycle), so
    neither a list of every gap nor a sort of it is ever built.

    The rules are those of `compute_gaps` (both run `_findings`); tests/nudges/test_planning.py
    checks that both find the same gaps, of every kind.
    """
    scope, everything = _scope_of_ids(session, set(integration_ids))
    if not scope:
        return
    stale_before = now - timedelta(days=review_days)
    yield from _findings(
        session, scope, _rows_of(session, list(scope), stale_before, everything=everything)
    )


def _scope_of_ids(session: Session, wanted: set[int]) -> tuple[dict[int, _Owning], int]:
    """`_scope` for a set of integration ids, on Core rows with the stored strings as they are
    (no enum conversion): the nudge cycle asks for thousands of integrations. Also how many
    integrations there are in all."""
    rows = session.connection().execute(_owning_query()).all()
    return {row[0]: _Owning(*row[1:]) for row in rows if row[0] in wanted}, len(rows)


def _rows_of(
    session: Session, integration_ids: list[int], stale_before: datetime, *, everything: int
) -> Iterable[Any]:
    """`_identity_rows` for these integrations: in chunks the integration index serves when they
    are under half of all integrations (a scheduled tick: one time zone's owners), in one scan
    otherwise (a sweep), whichever reads less on SQLite at 100k identities."""
    if 2 * len(integration_ids) >= everything:
        yield from _identity_rows(session, integration_ids, stale_before)
        return
    for start in range(0, len(integration_ids), 1000):
        yield from _identity_rows(session, integration_ids[start : start + 1000], stale_before)
