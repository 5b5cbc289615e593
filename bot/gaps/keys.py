"""The gap rules of non-human identities (keys, service accounts, bots): `unused`,
`owner-left`, `ownerless` and `admin-key`.

They read what only some sources report, so each rule trusts a field only where its source
gives it: a NULL `last_used_at` means "never used" for OpenAI API keys (the Administration API
reports every key's last use) and "unknown" everywhere else; a NULL `owned_by` means "no owner"
only for the sources that name owners (OpenAI, Anthropic), not for a key added by hand; a NULL
`expires_at` means "never expires" only for the API keys of the sources that report expiry
(OpenAI, Anthropic).

`admin-key` covers organisation-level keys: OpenAI admin API keys (role `admin`) and Anthropic
keys scoped to the organisation rather than one workspace (container `organization`). Each is
due on the shorter admin interval, and flagged while it never expires. A key past its
`expires_at` authenticates nothing, so no key rule flags it even while the source (or our last
sync of it) still lists it active; the details line says "expired".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, or_

from bot.gaps.model import Gap, Owning
from storage.models import Declaration, Identity, SlackUser
from storage.vocabulary import Answer, GapKind, IdentityKind, IdentityStatus, Source

NON_HUMAN = (IdentityKind.API_KEY, IdentityKind.SERVICE_ACCOUNT, IdentityKind.BOT)
# Sources whose API names the owner or creator of every key it lists.
REPORTS_OWNER = frozenset({Source.OPENAI.value, Source.ANTHROPIC.value})
# (source, kind) pairs whose API reports last use, so that no last use means never used.
REPORTS_LAST_USE = frozenset({(Source.OPENAI.value, IdentityKind.API_KEY.value)})
# (source, kind) pairs whose API reports expiry, so that no expiry means it never expires.
# OpenAI documents `expires_at` (null: never) on admin and project keys; a key listed without
# the field predates it and never expires either. Anthropic documents null as "never expires".
REPORTS_EXPIRY = frozenset(
    {
        (Source.OPENAI.value, IdentityKind.API_KEY.value),
        (Source.ANTHROPIC.value, IdentityKind.API_KEY.value),
    }
)
# How the OpenAI connector marks an organisation-level admin API key.
ADMIN_ROLE = "admin"
# The container of a key that belongs to the whole organisation, not one project or workspace.
ORGANISATION = "organization"
_CHUNK = 500


@dataclass(frozen=True)
class KeyIntervals:
    """The moment the rules run at, and the intervals they judge against."""

    now: datetime
    unused_days: int
    admin_review_days: int

    @property
    def unused_before(self) -> datetime:
        return self.now - timedelta(days=self.unused_days)

    @property
    def admin_declared_before(self) -> datetime:
        return self.now - timedelta(days=self.admin_review_days)


@dataclass(frozen=True)
class _Owner:
    kind: str
    active: bool


def key_findings(
    session: Session,
    scope: dict[int, Owning],
    intervals: KeyIntervals,
    identity_ids: Sequence[int] | None = None,
) -> Iterator[Gap]:
    """Every open gap of the active non-human identities of the integrations in scope (of
    these identities only, with `identity_ids`)."""
    if identity_ids is None:
        keys = list(_key_rows(session, col(Identity.integration_id), list(scope)))
    else:
        keys = list(_key_rows(session, col(Identity.id), identity_ids))
    named = {(row.integration_id, row.owned_by) for row in keys if row.owned_by}
    owners = _owners(session, named)
    for row in keys:
        owning = scope[row.integration_id]
        for kind, detail in _rules(row, owners, intervals):
            yield Gap(
                kind,
                owning.name,
                owning.owner,
                owning.backup_owner,
                detail,
                row.id,
                row.external_id,
            )


def _rules(
    row: Any, owners: dict[tuple[int, str], _Owner], intervals: KeyIntervals
) -> Iterator[tuple[GapKind, str]]:
    if row.expires_at is not None and row.expires_at <= intervals.now:
        return  # expired: it authenticates nothing, whatever its listed status
    last_used, first_seen = row.last_used_at, row.first_seen_at
    if last_used is not None and last_used < intervals.unused_before:
        yield (
            GapKind.UNUSED,
            f"not used since {last_used.date()} (over {intervals.unused_days} days):"
            " remove it, or rotate it if something still needs it",
        )
    elif (
        last_used is None
        and (row.source, row.kind) in REPORTS_LAST_USE
        and first_seen < intervals.unused_before
    ):
        yield (
            GapKind.UNUSED,
            f"never used, first seen {first_seen.date()}: remove it if nothing needs it",
        )
    owner = owners.get((row.integration_id, row.owned_by)) if row.owned_by else None
    if owner is not None and owner.kind != IdentityKind.HUMAN.value:
        yield (
            GapKind.OWNERLESS,
            f"owned by {row.owned_by}, which is not a person: assign a human owner",
        )
    elif owner is not None and not owner.active:
        yield (
            GapKind.OWNER_LEFT,
            f"its owner {row.owned_by} is inactive or gone: assign a new owner and rotate it",
        )
    elif row.owned_by is None and row.source in REPORTS_OWNER:
        yield (GapKind.OWNERLESS, "no owner at its source: assign a human owner")
    elif owner is None and row.owned_by is not None and row.source in REPORTS_OWNER:
        yield (
            GapKind.OWNER_LEFT,
            f"its owner {row.owned_by} is no longer in the source: assign a new owner and"
            " rotate it",
        )
    if row.kind == IdentityKind.API_KEY.value and (
        row.role == ADMIN_ROLE or row.container == ORGANISATION
    ):
        detail = _admin_key_detail(row, intervals)
        if detail:
            yield (GapKind.ADMIN_KEY, detail)


def _admin_key_detail(row: Any, intervals: KeyIntervals) -> str | None:
    """One `admin-key` finding per key, naming each reason: its lane is due on the admin
    interval, and it never expires."""
    label = "organisation admin key" if row.role == ADMIN_ROLE else "organisation-level key"
    reasons = []
    declared = row.declared_at
    if declared is not None and declared < intervals.admin_declared_before:
        reasons.append(
            f"{label}, lane last declared {declared.date()}; admin keys are reviewed every"
            f" {intervals.admin_review_days} days: confirm it is still needed, else rotate or"
            " remove it"
        )
    if row.expires_at is None and (row.source, row.kind) in REPORTS_EXPIRY:
        reasons.append(
            ("it never expires" if reasons else f"{label} that never expires")
            + ": replace it with a key that expires, then revoke this one"
        )
    return "; ".join(reasons) or None


def _key_rows(session: Session, by: Any, values: Sequence[int]) -> Iterator[Any]:
    """The keys whose `by` (their integration's id, or their own) is one of `values`."""
    query = (
        sa.select(
            col(Identity.id),
            col(Identity.integration_id),
            col(Identity.external_id),
            sa.type_coerce(col(Identity.kind), sa.String).label("kind"),
            col(Identity.role),
            sa.type_coerce(col(Identity.source), sa.String).label("source"),
            col(Identity.owned_by),
            col(Identity.last_used_at),
            col(Identity.expires_at),
            col(Identity.container),
            col(Identity.first_seen_at),
            col(Declaration.declared_at),
        )
        .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
        .where(
            col(Identity.kind).in_(NON_HUMAN),
            col(Identity.status) == IdentityStatus.ACTIVE,
            # Declared `remove`: the `remove` gap already says what to do.
            or_(col(Declaration.answer).is_(None), col(Declaration.answer) != Answer.REMOVE),
        )
    )
    for start in range(0, len(values), _CHUNK):
        yield from session.execute(query.where(by.in_(values[start : start + _CHUNK])))


def _owners(session: Session, named: Iterable[tuple[int, str]]) -> dict[tuple[int, str], _Owner]:
    """Who each named owner is: an identity of the same integration (by external id, else by
    email), else a Slack user the bot knows."""
    wanted = sorted(set(named))
    found: dict[tuple[int, str], _Owner] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        values = sorted({value for _, value in chunk})
        lowered = sorted({value.lower() for value in values})
        by_email: dict[tuple[int, str], _Owner] = {}
        rows = session.execute(
            sa.select(
                col(Identity.integration_id),
                col(Identity.external_id),
                col(Identity.email),
                sa.type_coerce(col(Identity.kind), sa.String).label("kind"),
                sa.type_coerce(col(Identity.status), sa.String).label("status"),
            ).where(
                col(Identity.integration_id).in_(sorted({id_ for id_, _ in chunk})),
                or_(col(Identity.external_id).in_(values), col(Identity.email).in_(lowered)),
            )
        )
        for row in rows:
            person = _Owner(row.kind, row.status == IdentityStatus.ACTIVE.value)
            found[(row.integration_id, row.external_id)] = person
            if row.email:
                by_email[(row.integration_id, row.email)] = person
        slack_query = sa.select(col(SlackUser.user_id), col(SlackUser.is_active)).where(
            col(SlackUser.user_id).in_(values)
        )
        slack = {row[0]: bool(row[1]) for row in session.execute(slack_query)}
        for key in chunk:
            integration_id, value = key
            if key in found:
                continue
            if (integration_id, value.lower()) in by_email:
                found[key] = by_email[(integration_id, value.lower())]
            elif value in slack:
                found[key] = _Owner(IdentityKind.HUMAN.value, slack[value])
    return found
