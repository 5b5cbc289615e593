"""Registering integrations, reassigning owners, adding identities: and the bad input."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.authorization import Actor
from bot.errors import Conflict, InvalidInput, NotFound
from bot.identities import add_identity
from bot.integrations import change_owner, get_integration, list_integrations, register_integration
from storage import integrations as integration_repo
from storage.vocabulary import IdentityKind, Layer
from tests.conftest import BACKUP, NOW, OWNER


def test_registering_defaults_the_owner_and_records_an_event(
    session: Session, owner: Actor
) -> None:
    created = register_integration(
        session, actor=owner, name="OpenAI-Platform", layer=Layer.PLATFORM, now=NOW
    )

    assert (created.name, created.owner, created.backup_owner) == ("openai-platform", OWNER, None)
    events = integration_repo.events_for(session, integration_id=created.id or 0)
    assert [(e.action, e.actor) for e in events] == [("integration.registered", OWNER)]


@pytest.mark.parametrize("name", ["", "-x", "Has Space", "a" * 65, "x_y", "ünï"])
def test_a_name_that_is_not_a_slug_is_refused(session: Session, owner: Actor, name: str) -> None:
    with pytest.raises(InvalidInput, match="slug"):
        register_integration(session, actor=owner, name=name, layer=Layer.PLATFORM, now=NOW)

    assert list_integrations(session) == []


def test_a_taken_name_is_a_conflict(session: Session, owner: Actor) -> None:
    register_integration(session, actor=owner, name="github", layer=Layer.PLATFORM, now=NOW)

    with pytest.raises(Conflict):
        register_integration(session, actor=owner, name="GitHub", layer=Layer.APPLICATION, now=NOW)


def test_backup_must_differ_from_owner(session: Session, owner: Actor) -> None:
    with pytest.raises(InvalidInput, match="backup owner"):
        register_integration(
            session, actor=owner, name="github", layer=Layer.PLATFORM, backup_owner=OWNER, now=NOW
        )


def test_owner_must_be_a_slack_user_id(session: Session, owner: Actor) -> None:
    with pytest.raises(InvalidInput, match="Slack user id"):
        register_integration(
            session, actor=owner, name="github", layer=Layer.PLATFORM, owner="bob", now=NOW
        )


def test_change_owner_and_clear_backup_is_audited(session: Session, owner: Actor) -> None:
    created = register_integration(
        session, actor=owner, name="github", layer=Layer.PLATFORM, backup_owner=BACKUP, now=NOW
    )

    changed = change_owner(
        session, actor=owner, name="github", owner="U0NEWOWNER", backup_owner=None, now=NOW
    )

    assert (changed.owner, changed.backup_owner) == ("U0NEWOWNER", None)
    last = integration_repo.events_for(session, integration_id=created.id or 0)[-1]
    assert last.detail == {"owner": [OWNER, "U0NEWOWNER"], "backup_owner": [BACKUP, None]}


def test_unknown_integration_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match="nope"):
        get_integration(session, "nope")


def test_email_identity_is_normalised_and_unique(session: Session, owner: Actor) -> None:
    register_integration(session, actor=owner, name="github", layer=Layer.PLATFORM, now=NOW)
    added = add_identity(
        session, actor=owner, integration_name="github", id_or_email="Pat@Corp.COM", now=NOW
    )

    assert (added.external_id, added.email, added.kind) == (
        "pat@corp.com",
        "pat@corp.com",
        IdentityKind.HUMAN,
    )
    with pytest.raises(Conflict):
        add_identity(
            session, actor=owner, integration_name="github", id_or_email="pat@corp.com", now=NOW
        )


@pytest.mark.parametrize("value", ["", "  ", "bad@", "x" * 256])
def test_bad_identity_is_refused(session: Session, owner: Actor, value: str) -> None:
    register_integration(session, actor=owner, name="github", layer=Layer.PLATFORM, now=NOW)

    with pytest.raises(InvalidInput):
        add_identity(session, actor=owner, integration_name="github", id_or_email=value, now=NOW)
