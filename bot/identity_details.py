"""What is known about a non-human identity (key, service account, bot), for every surface
that lists one: its human owner or creator, when it was created, last used and expires, its
scopes or role, and the project or workspace it belongs to.

Each fact is only as good as its source: `never_used` and `never_expires` are said only for the
sources whose API reports last use and expiry (bot/gaps/keys.py), so a NULL from a CSV or a
hand-added key reads as "not known", never as "never".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.gaps.keys import NON_HUMAN, ORGANISATION, REPORTS_EXPIRY, REPORTS_LAST_USE
from storage.models import Identity
from storage.vocabulary import IdentityKind, Source

_CHUNK = 500
# What each source calls the part of it an identity belongs to.
CONTAINER_NOUNS = {Source.OPENAI.value: "project", Source.ANTHROPIC.value: "workspace"}
# Anthropic names who created a key; OpenAI names who owns it.
CREATOR_SOURCES = frozenset({Source.ANTHROPIC.value})


@dataclass(frozen=True)
class IdentityDetails:
    kind: IdentityKind
    owner: str | None  # the owner's or creator's email when the source lists them, else its id
    owner_is_creator: bool
    created_at: datetime | None
    last_used_at: datetime | None
    never_used: bool  # the source reports last use, and reports none
    expires_at: datetime | None
    never_expires: bool  # the source reports expiry, and reports none
    expired: bool  # expires_at has passed
    scopes: str | None
    role: str | None  # the role within its container, when it says more than the kind
    container: str | None
    container_noun: str | None  # `project`, `workspace`; None for the organisation itself

    @property
    def organisation_wide(self) -> bool:
        return self.container == ORGANISATION


def details_for(
    session: Session, identity_ids: Iterable[int], *, now: datetime
) -> dict[int, IdentityDetails]:
    """The details of the non-human identities among `identity_ids` (people have none), each
    owner named by email where the same integration lists them; two queries a chunk."""
    wanted = sorted(set(identity_ids))
    found: dict[int, IdentityDetails] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = list(
            session.execute(
                sa.select(
                    col(Identity.id),
                    col(Identity.integration_id),
                    sa.type_coerce(col(Identity.kind), sa.String).label("kind"),
                    sa.type_coerce(col(Identity.source), sa.String).label("source"),
                    col(Identity.role),
                    col(Identity.owned_by),
                    col(Identity.last_used_at),
                    col(Identity.source_created_at),
                    col(Identity.expires_at),
                    col(Identity.scopes),
                    col(Identity.container),
                ).where(
                    col(Identity.id).in_(wanted[start : start + _CHUNK]),
                    col(Identity.kind).in_(NON_HUMAN),
                )
            )
        )
        emails = _owner_emails(
            session, {(r.integration_id, r.owned_by) for r in rows if r.owned_by}
        )
        for row in rows:
            owner = emails.get((row.integration_id, row.owned_by), row.owned_by)
            found[row.id] = _details(row, owner, now)
    return found


def _details(row: Any, owner: str | None, now: datetime) -> IdentityDetails:
    source, kind = str(row.source), str(row.kind)
    container: str | None = row.container
    expires_at: datetime | None = row.expires_at
    last_used_at: datetime | None = row.last_used_at
    return IdentityDetails(
        kind=IdentityKind(kind),
        owner=owner,
        owner_is_creator=source in CREATOR_SOURCES,
        created_at=row.source_created_at,
        last_used_at=last_used_at,
        never_used=last_used_at is None and (source, kind) in REPORTS_LAST_USE,
        expires_at=expires_at,
        never_expires=expires_at is None and (source, kind) in REPORTS_EXPIRY,
        expired=expires_at is not None and expires_at <= now,
        scopes=row.scopes,
        role=_role(row.role, container, kind),
        container=container,
        container_noun=None if container == ORGANISATION else CONTAINER_NOUNS.get(source),
    )


def _role(role: str | None, container: str | None, kind: str) -> str | None:
    """The role without the connectors' `<container>: ` prefix; none when it only repeats the
    kind (`Prod: api key`)."""
    if not role:
        return None
    if container and role.startswith(f"{container}: "):
        role = role[len(container) + 2 :]
    return None if role == kind.replace("_", " ") else role


def _owner_emails(session: Session, named: set[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """Owners named by a source id (`user_01…`), by the email of the identity with that id in
    the same integration."""
    if not named:
        return {}
    rows = session.execute(
        sa.select(
            col(Identity.integration_id), col(Identity.external_id), col(Identity.email)
        ).where(
            col(Identity.integration_id).in_(sorted({i for i, _ in named})),
            col(Identity.external_id).in_(sorted({v for _, v in named})),
            col(Identity.email).is_not(None),
        )
    )
    return {
        (row.integration_id, row.external_id): row.email
        for row in rows
        if (row.integration_id, row.external_id) in named
    }
