"""A small inventory that `who` tests ask questions of: three integrations, people whose emails
repeat, keys with every detail a source reports, and external ids full of LIKE wildcards."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bot.authorization import Actor
from bot.declarations import declare
from bot.integrations import register_integration
from storage.models import Identity
from storage.vocabulary import Answer, IdentityKind, IdentityStatus, Layer, Source
from tests.conftest import BACKUP, NOW, OWNER

PLATFORM = "openai-platform"
TENANT = "acme-tenant"
CONSOLE = "anthropic-console"
CREATED = NOW - timedelta(days=200)
USED = NOW - timedelta(days=3)
EXPIRES = NOW + timedelta(days=30)


def _identity(
    session: Session,
    integration_id: int,
    external_id: str,
    *,
    email: str | None = None,
    display_name: str = "",
    kind: IdentityKind = IdentityKind.HUMAN,
    source: Source = Source.OPENAI,
    status: IdentityStatus = IdentityStatus.ACTIVE,
    **details: object,
) -> Identity:
    identity = Identity(
        integration_id=integration_id,
        external_id=external_id,
        email=email,
        display_name=display_name,
        kind=kind,
        source=source,
        status=status,
        first_seen_at=NOW,
        last_seen_at=NOW,
        **details,
    )
    session.add(identity)
    session.flush()
    return identity


def build_inventory(session: Session) -> None:
    owner = Actor(OWNER)
    platform = register_integration(
        session, actor=owner, name=PLATFORM, layer=Layer.PLATFORM, now=NOW
    ).id
    tenant = register_integration(
        session, actor=owner, name=TENANT, layer=Layer.APPLICATION, owner=BACKUP, now=NOW
    ).id
    console = register_integration(
        session, actor=owner, name=CONSOLE, layer=Layer.PLATFORM, now=NOW
    ).id
    assert platform is not None
    assert tenant is not None
    assert console is not None

    dev = _identity(session, platform, "user-dev1", email="dev1@acme.com", display_name="Dev One")
    _identity(session, platform, "user-dev2", email="dev2@acme.com", display_name="Dev Two")
    _identity(
        session,
        platform,
        "key-ci-bot",
        display_name="ci-bot",
        kind=IdentityKind.API_KEY,
        owned_by="user-dev1",
        source_created_at=CREATED,
        last_used_at=USED,
        expires_at=EXPIRES,
        scopes="model.request",
        container="Prod",
    )
    _identity(
        session,
        platform,
        "svc-deploy",
        display_name="deploy",
        kind=IdentityKind.SERVICE_ACCOUNT,
        owned_by="dev1@acme.com",
    )
    # LIKE's wildcards, as characters: `100%` must not find `1000-key`.
    _identity(session, platform, "100%_real", kind=IdentityKind.API_KEY)
    _identity(session, platform, "1000-key", kind=IdentityKind.API_KEY)
    _identity(session, platform, "gone-user", status=IdentityStatus.INACTIVE)
    # Case folds ASCII letters only, alike on both backends: `ÉMILE` finds her, `émile` not.
    _identity(session, tenant, "00u5", display_name="Émile Zola", source=Source.CSV)

    # The same email as in the platform, and one email twice in the same integration.
    _identity(session, tenant, "00u1", email="dev1@acme.com", source=Source.CSV)
    _identity(session, tenant, "00u2", email="pat@corp.com", display_name="Pat Doe")
    _identity(session, tenant, "00u3", email="sam@acme.com", display_name="Sam (work)")
    _identity(session, tenant, "00u4", email="sam@acme.com", display_name="Sam (admin)")

    _identity(
        session,
        console,
        "bot-slack",
        kind=IdentityKind.BOT,
        source=Source.ANTHROPIC,
        owned_by=OWNER,
        container="Default",
    )
    declare(session, actor=owner, identity_id=dev.id or 0, answer=Answer.WORKFORCE, now=NOW)
