"""The gaps of non-human identities: `unused`, `owner-left`, `ownerless` and `admin-key`, each
on its own, and how they read in an owner's digest."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session

from bot.authorization import Actor
from bot.declarations import declare
from bot.gaps import Gap, compute_gaps
from bot.identity_details import details_for
from bot.integrations import register_integration
from bot.nudges.digest import build_digest, with_details
from handlers.blocks.digest import digest_blocks
from storage.models import Identity, SlackUser
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

PLATFORM = "openai-platform"
CREATOR = "user-dev"
LONG_AGO = NOW - timedelta(days=365)
NEXT_YEAR = NOW + timedelta(days=365)


@pytest.fixture
def platform(session: Session, owner: Actor) -> int:
    """An OpenAI platform integration with one active, declared developer who owns keys."""
    made = register_integration(
        session,
        actor=owner,
        name=PLATFORM,
        layer=Layer.PLATFORM,
        sso=SsoStatus.ENFORCED,
        scim=ScimStatus.ENABLED,
        now=LONG_AGO,
    )
    integration_id = made.id or 0
    _key(session, owner, integration_id, CREATOR, kind=IdentityKind.HUMAN, owned_by=None)
    return integration_id


def _key(
    session: Session,
    owner: Actor,
    integration_id: int,
    external_id: str,
    *,
    kind: IdentityKind = IdentityKind.API_KEY,
    owned_by: str | None = CREATOR,
    last_used_at: datetime | None = None,
    role: str | None = None,
    declared_at: datetime = NOW,
    source: Source = Source.OPENAI,
    expires_at: datetime | None = None,
    container: str | None = None,
) -> Identity:
    identity = Identity(
        integration_id=integration_id,
        external_id=external_id,
        kind=kind,
        role=role,
        owned_by=owned_by,
        last_used_at=last_used_at,
        expires_at=expires_at,
        container=container,
        source=source,
        first_seen_at=LONG_AGO,
        last_seen_at=NOW,
    )
    session.add(identity)
    session.flush()
    declare(
        session, actor=owner, identity_id=identity.id or 0, answer=Answer.WORKFORCE, now=declared_at
    )
    return identity


def _gaps(session: Session) -> list[Gap]:
    return compute_gaps(session, review_days=90, now=NOW, unused_days=90, admin_review_days=30)


def _kinds(session: Session) -> list[tuple[GapKind, str | None]]:
    return [(gap.kind, gap.identity) for gap in _gaps(session)]


def test_a_declared_owner_and_a_recently_used_key_have_no_gaps(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(session, owner, platform, "key-recent", last_used_at=NOW - timedelta(days=10))

    assert _gaps(session) == []


def test_a_key_unused_for_200_days_is_unused(session: Session, owner: Actor, platform: int) -> None:
    _key(session, owner, platform, "key-idle", last_used_at=NOW - timedelta(days=200))

    found = _gaps(session)
    assert [(gap.kind, gap.identity) for gap in found] == [(GapKind.UNUSED, "key-idle")]
    assert "remove it, or rotate it" in found[0].detail


def test_an_openai_key_never_used_and_older_than_the_interval_is_unused(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(session, owner, platform, "key-never")

    found = _gaps(session)
    assert [(gap.kind, gap.identity) for gap in found] == [(GapKind.UNUSED, "key-never")]
    assert found[0].detail.startswith("never used, first seen")


def test_no_last_use_from_a_source_that_never_reports_it_is_not_never_used(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(session, owner, platform, "key-anthropic", source=Source.ANTHROPIC)
    _key(session, owner, platform, "sa-unknown", kind=IdentityKind.SERVICE_ACCOUNT)

    assert _gaps(session) == []


def test_a_key_whose_creator_was_deactivated_is_owner_left(
    session: Session, owner: Actor, platform: int
) -> None:
    creator = _key(session, owner, platform, "user-gone", kind=IdentityKind.HUMAN, owned_by=None)
    _key(session, owner, platform, "key-left", owned_by="user-gone", last_used_at=NOW)
    creator.status = IdentityStatus.INACTIVE
    session.add(creator)
    session.flush()

    assert _kinds(session) == [(GapKind.OWNER_LEFT, "key-left")]


def test_a_key_owned_by_a_deactivated_slack_user_is_owner_left(
    session: Session, owner: Actor, platform: int
) -> None:
    session.add(SlackUser(user_id="U0LEFT001", is_active=False, checked_at=NOW))
    _key(
        session,
        owner,
        platform,
        "bot-1",
        kind=IdentityKind.BOT,
        owned_by="U0LEFT001",
        source=Source.MANUAL,
    )

    assert _kinds(session) == [(GapKind.OWNER_LEFT, "bot-1")]


def test_a_service_account_with_no_owner_at_its_source_is_ownerless(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(session, owner, platform, "sa-orphan", kind=IdentityKind.SERVICE_ACCOUNT, owned_by=None)

    found = _gaps(session)
    assert [(gap.kind, gap.identity) for gap in found] == [(GapKind.OWNERLESS, "sa-orphan")]
    assert "assign a human owner" in found[0].detail


def test_a_key_owned_by_a_service_account_is_ownerless(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(session, owner, platform, "sa-1", kind=IdentityKind.SERVICE_ACCOUNT, source=Source.MANUAL)
    _key(session, owner, platform, "key-of-sa", owned_by="sa-1", last_used_at=NOW)

    assert _kinds(session) == [(GapKind.OWNERLESS, "key-of-sa")]


def test_a_key_added_by_hand_without_an_owner_is_not_ownerless(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(session, owner, platform, "key-manual", owned_by=None, source=Source.MANUAL)

    assert _gaps(session) == []


@pytest.mark.parametrize(("days", "flagged"), [(40, True), (30, False), (10, False)])
def test_an_admin_key_is_reviewed_on_the_shorter_admin_interval(
    session: Session, owner: Actor, platform: int, days: int, flagged: bool
) -> None:
    _key(
        session,
        owner,
        platform,
        "admin-key-1",
        role="admin",
        last_used_at=NOW,
        declared_at=NOW - timedelta(days=days),
        expires_at=NEXT_YEAR,
    )

    assert _kinds(session) == ([(GapKind.ADMIN_KEY, "admin-key-1")] if flagged else [])


def test_the_owners_digest_names_each_key_gap_and_what_to_do(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(session, owner, platform, "key-idle", last_used_at=NOW - timedelta(days=200))
    _key(session, owner, platform, "sa-orphan", kind=IdentityKind.SERVICE_ACCOUNT, owned_by=None)
    _key(
        session,
        owner,
        platform,
        "admin-key-1",
        role="admin",
        last_used_at=NOW,
        declared_at=NOW - timedelta(days=40),
        expires_at=NEXT_YEAR,
    )

    blocks = digest_blocks(build_digest(OWNER, "2026-11-30", _gaps(session)))

    urgent = blocks[2]["text"]["text"].splitlines()
    assert urgent[1:] == [
        "• *openai-platform* · `admin-key-1`: admin key due for review: organisation admin key,"
        " lane last declared 2026-10-21; admin keys are reviewed every 30 days: confirm it is"
        " still needed, else rotate or remove it",
        "• *openai-platform* · `sa-orphan`: no human owner: no owner at its source: assign a"
        " human owner",
        "• *openai-platform* · `key-idle`: unused key or account: not used since 2026-05-14"
        " (over 90 days): remove it, or rotate it if something still needs it",
    ]
    assert (
        "*1* admin key due for review · *1* no human owner · *1* unused key or account"
        in (blocks[1]["text"]["text"])
    )


NEVER = "organisation admin key that never expires: replace it with a key that expires, then"


def test_an_openai_admin_key_that_never_expires_is_an_admin_key_gap(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(session, owner, platform, "admin-key-1", role="admin", last_used_at=NOW)

    found = _gaps(session)

    assert [(gap.kind, gap.identity) for gap in found] == [(GapKind.ADMIN_KEY, "admin-key-1")]
    assert found[0].detail == f"{NEVER} revoke this one"


def test_an_admin_key_due_for_review_that_never_expires_is_one_gap_naming_both(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(
        session,
        owner,
        platform,
        "admin-key-1",
        role="admin",
        last_used_at=NOW,
        declared_at=NOW - timedelta(days=40),
    )

    found = _gaps(session)

    assert [(gap.kind, gap.identity) for gap in found] == [(GapKind.ADMIN_KEY, "admin-key-1")]
    assert "admin keys are reviewed every 30 days" in found[0].detail
    assert found[0].detail.endswith(
        "; it never expires: replace it with a key that expires, then revoke this one"
    )


def test_an_anthropic_organisation_key_without_expiry_is_flagged_and_a_workspace_key_is_not(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(session, owner, platform, "apikey_org", source=Source.ANTHROPIC,
         role="organization: api key", container="organization")  # fmt: skip
    _key(session, owner, platform, "apikey_ws", source=Source.ANTHROPIC,
         role="Support bot: api key", container="Support bot")  # fmt: skip

    found = _gaps(session)

    assert [(gap.kind, gap.identity) for gap in found] == [(GapKind.ADMIN_KEY, "apikey_org")]
    assert found[0].detail.startswith("organisation-level key that never expires: replace it")


def test_an_admin_key_from_a_source_that_does_not_report_expiry_is_not_flagged_for_it(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(session, owner, platform, "admin-manual", role="admin", source=Source.MANUAL)

    assert _gaps(session) == []


def test_a_key_past_its_expiry_has_no_key_gaps_while_still_listed_active(
    session: Session, owner: Actor, platform: int
) -> None:
    _key(
        session,
        owner,
        platform,
        "admin-expired",
        role="admin",
        owned_by=None,
        last_used_at=NOW - timedelta(days=200),
        declared_at=NOW - timedelta(days=40),
        expires_at=NOW - timedelta(days=1),
    )

    assert _gaps(session) == []


def test_the_digest_shows_what_is_known_of_the_key_under_its_line(
    session: Session, owner: Actor, platform: int
) -> None:
    session.add(
        Identity(integration_id=platform, external_id="user-ana", email="ana@corp.com",
                 first_seen_at=LONG_AGO, last_seen_at=NOW)
    )  # fmt: skip
    key = _key(session, owner, platform, "admin-key-1", role="admin", owned_by="user-ana",
               last_used_at=NOW - timedelta(days=2), container="organization")  # fmt: skip
    key.source_created_at = LONG_AGO
    session.add(key)
    session.flush()
    gaps = [gap for gap in _gaps(session) if gap.kind is GapKind.ADMIN_KEY]
    digest = build_digest(OWNER, "2026-11-30", gaps)
    named = [item.identity_id or 0 for item in digest.items]

    blocks = digest_blocks(with_details(digest, details_for(session, named, now=NOW)))

    assert blocks[2]["text"]["text"].splitlines()[1:] == [
        f"• *openai-platform* · `admin-key-1`: admin key due for review: {NEVER} revoke this one",
        "      api key · owner ana@corp.com · created 2025-11-30 · last used 2026-11-28"
        " · never expires · role admin · organisation-wide",
    ]
