"""The read paths behind `who`, in SQLAlchemy Core: one indexed query each, no ORM objects.

Lookups are the hottest path (every `/boundary who` in every channel); building ORM entities
costs more than the indexed query itself, so these return plain rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from storage.identities import identity_view_query
from storage.models import Identity, Integration

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

_BY_NAME = sa.select(*INTEGRATION_VIEW_COLUMNS).where(col(Integration.name) == sa.bindparam("name"))
# Two indexed branches instead of one OR, so every backend can use both indexes.
_OWNED = sa.union(
    sa.select(*INTEGRATION_VIEW_COLUMNS).where(col(Integration.owner) == sa.bindparam("user")),
    sa.select(*INTEGRATION_VIEW_COLUMNS).where(
        col(Integration.backup_owner) == sa.bindparam("user")
    ),
).order_by("name")


def integration_by_name(session: Session, *, name: str) -> Any | None:
    return session.connection().execute(_BY_NAME, {"name": name}).first()


def integrations_owned_by(session: Session, *, user_id: str) -> Sequence[Any]:
    """Integrations the user owns or backs up, by name."""
    return session.connection().execute(_OWNED, {"user": user_id}).all()


# Built once: constructing this join costs more than running it.
_BY_EMAIL = (
    identity_view_query()
    .where(col(Identity.email) == sa.bindparam("email"))
    .order_by(col(Integration.name))
    .limit(sa.bindparam("limit"))
)
_BY_EXTERNAL_ID = (
    identity_view_query()
    .where(col(Identity.external_id) == sa.bindparam("external_id"))
    .order_by(col(Integration.name))
    .limit(sa.bindparam("limit"))
)


def identities_by_email(session: Session, *, email: str, limit: int) -> Sequence[Any]:
    return session.connection().execute(_BY_EMAIL, {"email": email, "limit": limit}).all()


def identities_by_external_id(session: Session, *, external_id: str, limit: int) -> Sequence[Any]:
    parameters = {"external_id": external_id, "limit": limit}
    return session.connection().execute(_BY_EXTERNAL_ID, parameters).all()
