"""Planning reads the gaps once per cycle, streamed for the due owners' integrations: the stream
finds what `compute_gaps` finds, and a digest built from it says what the sorted list says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.authorization import Actor
from bot.declarations import declare
from bot.gaps import Gap, compute_gaps, count_by_kind, gaps_of_integrations
from bot.identities import add_identity
from bot.integrations import mark_owner_active, register_integration
from bot.nudges.digest import TOP_ITEMS, DigestItem, build_digest
from storage.models import Identity, Integration
from storage.vocabulary import (
    Answer,
    GapKind,
    IdentityKind,
    IdentityStatus,
    Layer,
    ScimStatus,
    Source,
    SsoStatus,
)
from tests.conftest import NOW, OWNER

REVIEW_DAYS = 90
GONE = "U0GONEOWN"


def _identity(
    session: Session, actor: Actor, integration: str, who: str, kind: IdentityKind
) -> int:
    added = add_identity(
        session, actor=actor, integration_name=integration, id_or_email=who, kind=kind, now=NOW
    )
    return added.id or 0


@pytest.fixture
def every_kind(session: Session, owner: Actor, admin: Actor) -> Session:
    """Two owners' integrations with at least one gap of every kind, and more than a digest's
    worth of items for OWNER."""
    human, key = IdentityKind.HUMAN, IdentityKind.API_KEY
    register_integration(
        session,
        actor=owner,
        name="openai-platform",
        layer=Layer.PLATFORM,
        sso=SsoStatus.OPTIONAL,
        now=NOW,
    )
    register_integration(
        session,
        actor=owner,
        name="acme-tenant",
        layer=Layer.APPLICATION,
        scim=ScimStatus.PLATFORM_ONLY,
        now=NOW,
    )
    register_integration(
        session,
        actor=admin,
        name="wiki",
        layer=Layer.PLATFORM,
        owner=GONE,
        backup_owner=OWNER,
        now=NOW,
    )
    for n in range(TOP_ITEMS + 2):
        _identity(session, owner, "openai-platform", f"dev{n}@corp.com", human)
    stale = _identity(session, owner, "openai-platform", "key-old", key)
    declare(
        session,
        actor=owner,
        identity_id=stale,
        answer=Answer.WORKFORCE,
        now=NOW - timedelta(days=200),
    )
    doomed = _identity(session, owner, "openai-platform", "key-remove", key)
    declare(session, actor=owner, identity_id=doomed, answer=Answer.REMOVE, now=NOW)
    staff = _identity(session, owner, "openai-platform", "pat@corp.com", human)
    declare(session, actor=owner, identity_id=staff, answer=Answer.WORKFORCE, now=NOW)
    tenant = _identity(session, owner, "acme-tenant", "pat@corp.com", human)
    declare(session, actor=owner, identity_id=tenant, answer=Answer.CUSTOMER, now=NOW)
    support = _identity(session, owner, "acme-tenant", "support@corp.com", human)
    declare(session, actor=owner, identity_id=support, answer=Answer.WORKFORCE, now=NOW)
    gone = session.get(Identity, _identity(session, owner, "acme-tenant", "gone@acme.com", human))
    assert gone is not None
    gone.status = IdentityStatus.INACTIVE
    session.add(gone)
    _identity(session, admin, "wiki", "editor@corp.com", human)
    mark_owner_active(session, user_id=GONE, active=False)
    session.flush()
    _key_gaps(session, owner)
    return session


def _key_gaps(session: Session, owner: Actor) -> None:
    """OpenAI keys and accounts with the gaps of non-human identities: unused, owner-left,
    ownerless and admin-key."""
    platform = session.exec(select(Integration).where(Integration.name == "openai-platform")).one()
    long_ago = NOW - timedelta(days=365)

    def key(external_id: str, **fields: object) -> Identity:
        defaults: dict[str, object] = {"kind": IdentityKind.API_KEY, "source": Source.OPENAI}
        identity = Identity(
            integration_id=platform.id or 0,
            external_id=external_id,
            first_seen_at=long_ago,
            last_seen_at=NOW,
            **{**defaults, **fields},
        )
        session.add(identity)
        session.flush()
        return identity

    key("key-never-used", owned_by="dev0@corp.com")
    key("user-left", kind=IdentityKind.HUMAN, status=IdentityStatus.INACTIVE)
    key("key-owner-left", owned_by="user-left", last_used_at=NOW)
    key("sa-no-owner", kind=IdentityKind.SERVICE_ACCOUNT)
    admin_key = key("admin-key", role="admin", owned_by="dev0@corp.com", last_used_at=NOW)
    when = NOW - timedelta(days=40)
    declare(session, actor=owner, identity_id=admin_key.id or 0, answer=Answer.WORKFORCE, now=when)


def _ids(session: Session, *names: str) -> list[int]:
    query = select(Integration.id, Integration.name)
    return [row.id for row in session.exec(query) if not names or row.name in names]


def _sorted(gaps: list[Gap]) -> list[Gap]:
    return sorted(gaps, key=lambda gap: (gap.urgency, gap.integration, gap.identity or ""))


def test_the_stream_finds_every_gap_compute_gaps_finds(every_kind: Session) -> None:
    everything = compute_gaps(every_kind, review_days=REVIEW_DAYS, now=NOW)

    streamed = list(
        gaps_of_integrations(
            every_kind, integration_ids=_ids(every_kind), review_days=REVIEW_DAYS, now=NOW
        )
    )

    assert {gap.kind for gap in everything} == set(GapKind)
    assert _sorted(streamed) == everything


def test_the_stream_covers_only_the_integrations_asked_for(every_kind: Session) -> None:
    one = compute_gaps(every_kind, review_days=REVIEW_DAYS, now=NOW, integration="acme-tenant")

    streamed = gaps_of_integrations(
        every_kind,
        integration_ids=_ids(every_kind, "acme-tenant"),
        review_days=REVIEW_DAYS,
        now=NOW,
    )

    # Cross-lane still sees the other side, in an integration that was not asked for.
    assert GapKind.CROSS_LANE in {gap.kind for gap in one}
    assert _sorted(list(streamed)) == one


def test_a_digest_from_the_unordered_stream_leads_with_the_most_urgent(
    every_kind: Session,
) -> None:
    mine = [
        gap
        for gap in compute_gaps(every_kind, review_days=REVIEW_DAYS, now=NOW)
        if gap.owner == OWNER
    ]
    streamed = gaps_of_integrations(
        every_kind,
        integration_ids=_ids(every_kind, "openai-platform", "acme-tenant"),
        review_days=REVIEW_DAYS,
        now=NOW,
    )

    digest = build_digest(OWNER, "2026-11-30", reversed(list(streamed)))

    assert digest.items == tuple(
        DigestItem(gap.kind, gap.integration, gap.identity, gap.detail, gap.identity_id)
        for gap in mine[:TOP_ITEMS]
    )
    assert (digest.total, digest.more) == (len(mine), len(mine) - TOP_ITEMS)
    assert list(digest.counts.items()) == list(count_by_kind(mine).items())  # urgency order
    assert [(item.name, item.counts) for item in digest.integrations] == [
        (name, count_by_kind(gap for gap in mine if gap.integration == name))
        for name in ("acme-tenant", "openai-platform")
    ]
