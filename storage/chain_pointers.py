"""The pointers derived from the audit chain, checked against it: an identity's current lane
must be its newest declaration, and an identity must still be where its declarations were made
(storage/chain_check.py runs these after the chain itself verifies)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from storage.models import Declaration, Identity


def stale_pointer(session: Session) -> str | None:
    """The first identity whose current declaration is not its newest one, described; or None.

    One grouped query: the chain's own order (seq) says which declaration is the newest."""
    declaration = sa.inspect(Declaration).local_table
    identity = sa.inspect(Identity).local_table
    newest = (
        sa.select(declaration.c.identity_id, sa.func.max(declaration.c.seq).label("seq"))
        .group_by(declaration.c.identity_id)
        .subquery()
    )
    latest = declaration.alias("latest")
    current = declaration.alias("current")
    query = (
        sa.select(
            identity.c.id,
            identity.c.external_id,
            identity.c.current_declaration_id,
            current.c.seq,
            latest.c.seq,
        )
        .select_from(
            identity.outerjoin(newest, newest.c.identity_id == identity.c.id)
            .outerjoin(latest, latest.c.seq == newest.c.seq)
            .outerjoin(current, current.c.id == identity.c.current_declaration_id)
        )
        .where(identity.c.current_declaration_id.is_distinct_from(latest.c.id))
        .order_by(identity.c.id)
        .limit(1)
    )
    found = session.execute(query).first()
    if found is None:
        return None
    identity_id, external_id, pointer, pointer_seq, newest_seq = found
    shown = "no declaration" if pointer is None else f"declaration seq {pointer_seq}"
    if pointer is not None and pointer_seq is None:
        shown = f"declaration id {pointer}, which is not in the chain"
    wanted = "none" if newest_seq is None else f"seq {newest_seq}"
    return (
        f"identity {identity_id} ({external_id!r}) shows {shown} as its current lane,"
        f" but its newest declaration in the chain is {wanted}"
    )


def moved_identity(session: Session) -> str | None:
    """The first identity whose row names another integration than its declarations do (the
    identity row is not hashed; its declarations are), described; or None."""
    declaration = sa.inspect(Declaration).local_table
    identity = sa.inspect(Identity).local_table
    query = (
        sa.select(identity.c.id, identity.c.external_id, identity.c.integration_id)
        .add_columns(declaration.c.integration_id, declaration.c.seq)
        .join(declaration, declaration.c.identity_id == identity.c.id)
        .where(declaration.c.integration_id != identity.c.integration_id)
        .order_by(declaration.c.seq)
        .limit(1)
    )
    found = session.execute(query).first()
    if found is None:
        return None
    identity_id, external_id, now_in, declared_in, seq = found
    return (
        f"identity {identity_id} ({external_id!r}) is in integration {now_in}, but its"
        f" declaration seq {seq} in the chain was made in integration {declared_in}"
    )
