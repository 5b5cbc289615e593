"""`who`: each kind of question is answered, and bad questions get a short answer."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.authorization import Actor
from bot.declarations import declare
from bot.errors import InvalidInput
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.lookup_views import LookupKind
from bot.who import MAX_QUERY, who
from storage.vocabulary import Answer, Layer, ScimStatus, SsoStatus
from tests.conftest import BACKUP, NOW, OWNER


@pytest.fixture
def inventory(session: Session, owner: Actor, admin: Actor) -> Session:
    register_integration(
        session,
        actor=owner,
        name="openai-platform",
        layer=Layer.PLATFORM,
        backup_owner=BACKUP,
        sso=SsoStatus.ENFORCED,
        scim=ScimStatus.ENABLED,
        evidence_url="https://tickets.example/SEC-1",
        review_days=90,
        now=NOW,
    )
    register_integration(
        session, actor=owner, name="acme-tenant", layer=Layer.APPLICATION, owner=BACKUP, now=NOW
    )
    for integration in ("openai-platform", "acme-tenant"):
        add_identity(
            session, actor=admin, integration_name=integration, id_or_email="Pat@Corp.com", now=NOW
        )
    key = add_identity(
        session, actor=owner, integration_name="openai-platform", id_or_email="key-prod", now=NOW
    )
    declare(
        session, actor=owner, identity_id=key.id or 0, answer=Answer.WORKFORCE, note="ci", now=NOW
    )
    return session


def test_who_owns_an_integration(inventory: Session) -> None:
    found = who(inventory, query="  OpenAI-Platform ")

    assert found.kind is LookupKind.INTEGRATION
    assert found.integration is not None
    assert (found.integration.owner, found.integration.backup_owner) == (OWNER, BACKUP)
    assert (found.integration.sso, found.integration.scim) == (
        SsoStatus.ENFORCED,
        ScimStatus.ENABLED,
    )


def test_what_a_slack_user_owns_or_backs_up(inventory: Session) -> None:
    found = who(inventory, query=BACKUP)

    assert found.kind is LookupKind.USER
    assert [view.name for view in found.owned] == ["acme-tenant", "openai-platform"]


def test_an_emails_lane_in_every_integration(inventory: Session) -> None:
    found = who(inventory, query="PAT@corp.com")

    assert found.kind is LookupKind.EMAIL
    assert found.query == "pat@corp.com"
    assert [(v.integration, v.answer, v.owner) for v in found.identities] == [
        ("acme-tenant", None, BACKUP),
        ("openai-platform", None, OWNER),
    ]


def test_an_identitys_lane_declarer_and_note(inventory: Session) -> None:
    found = who(inventory, query="key-prod")

    assert found.kind is LookupKind.IDENTITY
    [view] = found.identities
    assert (view.answer, view.declared_by, view.declared_at, view.note) == (
        Answer.WORKFORCE,
        OWNER,
        NOW,
        "ci",
    )


def test_an_id_with_an_at_sign_that_is_not_an_email(inventory: Session) -> None:
    found = who(inventory, query="svc@build")

    assert (found.kind, found.found) == (LookupKind.IDENTITY, False)


def test_nothing_found_is_an_empty_answer(inventory: Session) -> None:
    found = who(inventory, query="U0NOBODY1")

    assert not found.found


@pytest.mark.parametrize("query", ["", "   ", "x" * (MAX_QUERY + 1)])
def test_empty_or_huge_query_is_refused(inventory: Session, query: str) -> None:
    with pytest.raises(InvalidInput):
        who(inventory, query=query)
