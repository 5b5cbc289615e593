"""The identity gap rules as SQL conditions, for surfaces that count or pick gaps in the
database instead of building one `Gap` per finding (a million identities have two million).

Each condition says the same as its Python rule in `rules.py` or `keys.py`, which stay the
reference: `tests/bot/test_gap_counts.py` checks both agree on random data, on both backends.
They are written once, in Core, and run unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.gaps.keys import ADMIN_ROLE, NON_HUMAN, ORGANISATION, REPORTS_OWNER
from bot.gaps.rows import conflicts_query
from storage.models import Declaration, Identity, Integration, SlackUser
from storage.types import UtcDateTime
from storage.vocabulary import Answer, GapKind, IdentityKind, IdentityStatus, Layer, Source

IDENTITY = Identity.__table__.alias("i")  # type: ignore[attr-defined]
DECLARATION = Declaration.__table__.alias("d")  # type: ignore[attr-defined]
_OWNER = Identity.__table__.alias("o")  # type: ignore[attr-defined]
_BY_EMAIL = Identity.__table__.alias("oe")  # type: ignore[attr-defined]
_SLACK = SlackUser.__table__.alias("s")  # type: ignore[attr-defined]
_OWNED = frozenset(REPORTS_OWNER)


@dataclass(frozen=True)
class Moments:
    """The instants the rules compare with, as bound parameters."""

    now: datetime
    review_days: int
    unused_days: int
    admin_review_days: int

    def bind(self, name: str, days: int) -> Any:
        return sa.bindparam(name, self.now - timedelta(days=days), UtcDateTime)


def _state(table: Any) -> Any:
    """An owner found among identities: `n` not a person, `i` inactive, `a` active."""
    return sa.case(
        (table.c.kind != IdentityKind.HUMAN, "n"),
        (table.c.status == IdentityStatus.ACTIVE, "a"),
        else_="i",
    )


def _owner_state() -> Any:
    """Who a key's `owned_by` names, as `keys._owners` resolves it: an identity of the same
    integration by external id (the unique index), else by email (the email index), else a
    Slack user (its primary key); NULL when nobody is found or nobody is named."""
    i = IDENTITY
    by_email = (
        sa.select(_state(_BY_EMAIL))
        .where(
            _BY_EMAIL.c.integration_id == i.c.integration_id,
            _BY_EMAIL.c.email == sa.func.lower(i.c.owned_by),
        )
        .order_by(_BY_EMAIL.c.id)
        .limit(1)
        .scalar_subquery()
    )
    slack = sa.case((_SLACK.c.user_id.is_(None), None), (_SLACK.c.is_active, "a"), else_="i")
    return sa.case(
        (sa.or_(i.c.owned_by.is_(None), i.c.owned_by == ""), None),
        (_OWNER.c.id.is_not(None), _state(_OWNER)),
        else_=sa.func.coalesce(by_email, slack),
    )


def joined(select: Any) -> Any:
    """`select` over an identity, its current declaration, and a key's named owner."""
    i = IDENTITY
    return select.select_from(
        i.outerjoin(DECLARATION, DECLARATION.c.id == i.c.current_declaration_id)
        .outerjoin(
            _OWNER,
            sa.and_(
                _OWNER.c.integration_id == i.c.integration_id,
                _OWNER.c.external_id == i.c.owned_by,
            ),
        )
        .outerjoin(_SLACK, _SLACK.c.user_id == i.c.owned_by)
    )


def conditions(moments: Moments, scope: Sequence[int] | None) -> dict[str, Any]:
    """Per identity-level gap kind, its condition over `joined`."""
    found = _shared(moments, scope)
    key, owner, reports_owner = found.pop("key"), _owner_state(), found.pop("reports-owner")
    owned_by = IDENTITY.c.owned_by
    found[GapKind.OWNERLESS] = sa.and_(
        key, sa.or_(owner == "n", sa.and_(owned_by.is_(None), reports_owner))
    )
    found[GapKind.OWNER_LEFT] = sa.and_(
        key, sa.or_(owner == "i", sa.and_(owner.is_(None), owned_by.is_not(None), reports_owner))
    )
    # The layer decides which lane is a mismatch: the integrations of a layer, read once.
    found[GapKind.LANE_MISMATCH] = sa.or_(
        *(
            sa.and_(found.pop(f"mismatch-{lane}"), IDENTITY.c.integration_id.in_(_of_layer(layer)))
            for lane, layer in (("workforce", Layer.APPLICATION), ("customer", Layer.PLATFORM))
        )
    )
    return found


def _of_layer(layer: Layer) -> Any:
    integration = Integration.__table__  # type: ignore[attr-defined]
    return sa.select(integration.c.id).where(integration.c.layer == layer)


def counting_conditions(
    moments: Moments, scope: Sequence[int] | None
) -> tuple[Any, dict[str, Any]]:
    """The conditions `counts` sums, grouped by the named owner's state (`owner_state`, then
    evaluated once per key): `ownerless` and `owner-left` follow from the state and three sums
    (`key`; `unnamed`, a key of a source that names owners naming none; `named`, one naming
    someone). `lane-mismatch` is split by lane (`mismatch-workforce`, `mismatch-customer`):
    the integration's layer decides which counts, so no join to the integration is needed."""
    found = _shared(moments, scope)
    reports_owner = found.pop("reports-owner")
    owned_by = IDENTITY.c.owned_by
    found["unnamed"] = sa.and_(found["key"], owned_by.is_(None), reports_owner)
    found["named"] = sa.and_(found["key"], owned_by.is_not(None), reports_owner)
    return _owner_state(), found


def _shared(moments: Moments, scope: Sequence[int] | None) -> dict[str, Any]:
    i, d = IDENTITY, DECLARATION
    active = i.c.status == IdentityStatus.ACTIVE
    lanes = sa.and_(active, d.c.answer.in_((Answer.WORKFORCE, Answer.CUSTOMER)))
    unjustified = sa.and_(lanes, sa.or_(d.c.note.is_(None), d.c.note == ""))
    conflicts = conflicts_query(scope).scalar_subquery()
    unused_before = moments.bind("unused_before", moments.unused_days)
    key = sa.and_(
        active,
        i.c.kind.in_(NON_HUMAN),
        sa.or_(d.c.answer.is_(None), d.c.answer != Answer.REMOVE),
        sa.or_(i.c.expires_at.is_(None), i.c.expires_at > moments.now),
    )
    return {
        "human": sa.and_(active, i.c.kind == IdentityKind.HUMAN),
        "key": key,
        "reports-owner": i.c.source.in_(sorted(Source(s) for s in _OWNED)),
        GapKind.UNDECLARED: sa.and_(active, d.c.answer.is_(None)),
        GapKind.REMOVE: sa.and_(active, d.c.answer == Answer.REMOVE),
        GapKind.STALE: sa.and_(
            lanes, d.c.declared_at < moments.bind("stale_before", moments.review_days)
        ),
        "mismatch-workforce": sa.and_(unjustified, d.c.answer == Answer.WORKFORCE),
        "mismatch-customer": sa.and_(unjustified, d.c.answer == Answer.CUSTOMER),
        GapKind.CROSS_LANE: sa.and_(lanes, i.c.email.is_not(None), i.c.email.in_(conflicts)),
        GapKind.UNUSED: sa.and_(
            key,
            sa.or_(
                i.c.last_used_at < unused_before,
                sa.and_(
                    i.c.last_used_at.is_(None),
                    i.c.source == Source.OPENAI,
                    i.c.kind == IdentityKind.API_KEY,
                    i.c.first_seen_at < unused_before,
                ),
            ),
        ),
        GapKind.ADMIN_KEY: sa.and_(
            key,
            i.c.kind == IdentityKind.API_KEY,
            sa.or_(i.c.role == ADMIN_ROLE, i.c.container == ORGANISATION),
            sa.or_(
                d.c.declared_at < moments.bind("admin_before", moments.admin_review_days),
                sa.and_(
                    i.c.expires_at.is_(None),
                    i.c.source.in_((Source.OPENAI, Source.ANTHROPIC)),
                ),
            ),
        ),
    }
