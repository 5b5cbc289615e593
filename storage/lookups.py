"""The read paths behind `who`, in SQLAlchemy Core: a bounded number of indexed queries each, no
ORM objects.

Lookups are the hottest path (every `/boundary who` in every channel); building ORM entities
costs more than the indexed query itself, so these return plain rows. Every statement is built
once, and every one is served by an index (migration 0006, docs/benchmarks.md "Fuzzy who"):
a prefix is a range on a case-folded key (storage.matching), never a LIKE, so `%` and `_` are
only characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from storage.identities import identity_view_query
from storage.matching import email_domain, folded, slug_key
from storage.models import Declaration, Identity, Integration
from storage.vocabulary import IdentityKind, IdentityStatus

INTEGRATION_VIEW_COLUMNS: tuple[Any, ...] = (
    col(Integration.name),
    col(Integration.layer),
    col(Integration.owner),
    col(Integration.backup_owner),
    col(Integration.channel),
    col(Integration.sso),
    col(Integration.scim),
    col(Integration.owner_active),
)
# How many values each side of a missed query the did-you-mean neighbourhood reads, per key.
NEIGHBOURS = 10
# The first integration names did-you-mean reads whole: a deployment has tens; past this many,
# the names near the query (NEIGHBOURS each side) still are.
INTEGRATION_CANDIDATES = 100

_BY_NAME = sa.select(*INTEGRATION_VIEW_COLUMNS, col(Integration.id)).where(
    col(Integration.name) == sa.bindparam("name")
)
# Two indexed branches instead of one OR, so every backend can use both indexes.
_OWNED = sa.union(
    sa.select(*INTEGRATION_VIEW_COLUMNS).where(col(Integration.owner) == sa.bindparam("user")),
    sa.select(*INTEGRATION_VIEW_COLUMNS).where(
        col(Integration.backup_owner) == sa.bindparam("user")
    ),
).order_by("name")
_name_key = slug_key(col(Integration.name))
_NAMES_WITH_PREFIX = (
    sa.select(*INTEGRATION_VIEW_COLUMNS, col(Integration.id))
    .where(_name_key >= sa.bindparam("low"), _name_key < sa.bindparam("high"))
    .order_by(_name_key)
    .limit(sa.bindparam("limit"))
)


def integration_by_name(session: Session, *, name: str) -> Any | None:
    return session.connection().execute(_BY_NAME, {"name": name}).first()


def integrations_owned_by(session: Session, *, user_id: str) -> Sequence[Any]:
    """Integrations the user owns or backs up, by name."""
    return session.connection().execute(_OWNED, {"user": user_id}).all()


def integrations_with_prefix(session: Session, *, low: str, high: str, limit: int) -> Sequence[Any]:
    """Integrations whose name is in [low, high) (a prefix and its upper bound), by name."""
    parameters = {"low": low, "high": high, "limit": limit}
    return session.connection().execute(_NAMES_WITH_PREFIX, parameters).all()


def _ids(query: sa.Select[Any]) -> sa.Subquery:
    """One index-served branch of identity ids, with its own LIMIT."""
    return query.limit(sa.bindparam("limit")).subquery()


def _view_of(*branches: sa.Subquery, order: Any = None) -> sa.Select[Any]:
    """The identity view of the ids the branches find, ids first: the view's joins then run
    for at most branches x limit rows, whatever the planner thinks of the predicates (SQLite
    with statistics would otherwise walk integrations by name to spare itself a sort)."""
    # UNION ALL: `IN` already counts an id once.
    ids = sa.union_all(*(sa.select(branch.c.id) for branch in branches)).subquery()
    return (
        identity_view_query()
        .where(col(Identity.id).in_(sa.select(ids.c.id)))
        .order_by(*(order or (col(Integration.name), col(Identity.external_id))))
    )


_NOT_HUMAN = col(Identity.kind) != IdentityKind.HUMAN
_person = aliased(Identity, name="person")

# An email, and in the same statement the keys its people own: named by the email, or by a
# person's external id (a source user id) in the person's own integration.
_BY_EMAIL = _view_of(
    _ids(sa.select(col(Identity.id)).where(col(Identity.email) == sa.bindparam("email"))),
    _ids(
        sa.select(col(Identity.id)).where(
            col(Identity.owned_by) == sa.bindparam("email"), _NOT_HUMAN
        )
    ),
    _ids(
        sa.select(col(Identity.id))
        .join(
            _person,
            sa.and_(
                col(_person.integration_id) == col(Identity.integration_id),
                col(_person.external_id) == col(Identity.owned_by),
            ),
        )
        .where(
            col(_person.email) == sa.bindparam("email"),
            col(_person.kind) == IdentityKind.HUMAN,
            _NOT_HUMAN,
        )
    ),
)


def identities_by_email(session: Session, *, email: str, limit: int) -> Sequence[Any]:
    """The identities with this (normalised) email, and the keys, service accounts and bots
    their people own (at most `limit` of each kind of match), by integration and external id."""
    return session.connection().execute(_BY_EMAIL, {"email": email, "limit": limit}).all()


PREFIX_KEYS: tuple[Any, ...] = (
    folded(col(Identity.email)),
    folded(col(Identity.display_name)),
    folded(col(Identity.external_id)),
)


def _prefix_ids(key: Any) -> sa.Subquery:
    """The first identities (by the key) whose key is in [low, high): one index range."""
    return _ids(
        sa.select(col(Identity.id))
        .where(key >= sa.bindparam("low"), key < sa.bindparam("high"))
        .order_by(key)
    )


# An external id as typed (exact, case and all), and the three case-folded prefix ranges: one
# statement of four index-served branches, each its own LIMIT.
_BY_ID_OR_PREFIX = _view_of(
    _ids(
        sa.select(col(Identity.id)).where(col(Identity.external_id) == sa.bindparam("external_id"))
    ),
    *(_prefix_ids(key) for key in PREFIX_KEYS),
)


def identities_by_id_or_prefix(
    session: Session, *, external_id: str, low: str, high: str, limit: int
) -> Sequence[Any]:
    """Identities whose external id is `external_id`, or whose case-folded email, display name
    or external id is in [low, high): the first `limit` of each, by integration and external id.
    The exact ones are those whose external_id equals `external_id`."""
    parameters = {"external_id": external_id, "low": low, "high": high, "limit": limit}
    return session.connection().execute(_BY_ID_OR_PREFIX, parameters).all()


_domain_key = email_domain(col(Identity.email))
_IN_DOMAIN = _view_of(
    # (domain, email) is the index: a domain's first emails come out in order, unsorted
    # (SQLite sorts anyway if the ORDER BY also names the domain, constant as it is).
    _ids(
        sa.select(col(Identity.id))
        .where(_domain_key == sa.bindparam("domain"))
        .order_by(col(Identity.email))
    ),
    order=(col(Identity.email), col(Integration.name), col(Identity.external_id)),
)


def identities_in_domain(session: Session, *, domain: str, limit: int) -> Sequence[Any]:
    """Identities whose email is at `domain` (lower case), the first `limit` by email."""
    return session.connection().execute(_IN_DOMAIN, {"domain": domain, "limit": limit}).all()


_OWNED_IDENTITIES = _view_of(
    _ids(
        sa.select(col(Identity.id)).where(
            col(Identity.owned_by).in_(sa.bindparam("owners", expanding=True)), _NOT_HUMAN
        )
    )
)
# One owner (every `who @user`): an expanding IN is compiled again on each execution.
_OWNED_BY_ONE = _view_of(
    _ids(
        sa.select(col(Identity.id)).where(
            col(Identity.owned_by) == sa.bindparam("owner"), _NOT_HUMAN
        )
    )
)


def identities_owned_by(session: Session, *, owners: Sequence[str], limit: int) -> Sequence[Any]:
    """Keys, service accounts and bots whose source names one of `owners` (an email, a source
    user id or a Slack user id) as their owner or creator; at most `limit`."""
    distinct = sorted(set(owners))
    if not distinct:
        return []
    if len(distinct) == 1:
        one = {"owner": distinct[0], "limit": limit}
        return session.connection().execute(_OWNED_BY_ONE, one).all()
    parameters = {"owners": distinct, "limit": limit}
    return session.connection().execute(_OWNED_IDENTITIES, parameters).all()


_LANES = (
    sa.select(col(Declaration.answer), sa.func.count().label("identities"))
    .select_from(Identity)
    .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
    .where(
        col(Identity.integration_id) == sa.bindparam("integration_id"),
        col(Identity.status) == IdentityStatus.ACTIVE,
    )
    .group_by(col(Declaration.answer))
)


def active_identities_by_lane(session: Session, *, integration_id: int) -> dict[str | None, int]:
    """How many active identities of one integration are in each lane (None: undeclared),
    read through the integration_id index."""
    rows = session.connection().execute(_LANES, {"integration_id": integration_id})
    return {None if row.answer is None else str(row.answer): row.identities for row in rows}


def _neighbours(key: Any, value: Any, what: str, *, below: bool) -> Any:
    """The NEIGHBOURS keys just below (or from) `:near` in index order, with their value."""
    bound = key < sa.bindparam("near") if below else key >= sa.bindparam("near")
    return (
        sa.select(value.label("value"), sa.literal(what).label("what"))
        .where(bound, value.is_not(None))
        .order_by(key.desc() if below else key)
        .limit(NEIGHBOURS)
        .subquery()
    )


_NEIGHBOURHOODS = (
    (PREFIX_KEYS[0], col(Identity.email), "email"),
    (PREFIX_KEYS[1], col(Identity.display_name), "name"),
    (PREFIX_KEYS[2], col(Identity.external_id), "id"),
    (_name_key, col(Integration.name), "integration"),
    # A mistyped domain (`acme.cmo`): its neighbours are one or two domains, each many rows.
    (_domain_key, _domain_key, "domain"),
)
_CANDIDATE_BRANCHES = [
    _neighbours(key, value, what, below=below)
    for key, value, what in _NEIGHBOURHOODS
    for below in (True, False)
]
_NAMES = (
    sa.select(col(Integration.name).label("value"), sa.literal("integration").label("what"))
    .order_by(_name_key)
    .limit(INTEGRATION_CANDIDATES)
    .subquery()
)
_CANDIDATES = sa.union(
    *(sa.select(branch.c.value, branch.c.what) for branch in (*_CANDIDATE_BRANCHES, _NAMES))
)


def candidates_near(session: Session, *, near: str) -> list[tuple[str, str]]:
    """What did-you-mean compares a missed query with, in one statement of bounded index scans:
    the integration names, and the NEIGHBOURS emails, display names, external ids, names and
    email domains each side of `near` (case-folded) in index order; each with what it is
    (email, name, id, integration, domain)."""
    rows = session.connection().execute(_CANDIDATES, {"near": near})
    return [(value, what) for value, what in rows if value]
