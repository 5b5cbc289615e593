"""Declaring lanes: one identity, all remaining, by rule; and who may do it."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.authorization import Actor
from bot.declarations import declare, declare_remaining
from bot.errors import NotAllowed
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.rules import add_rule
from bot.who import who
from storage.chain_check import verify_chain
from storage.vocabulary import Answer, IdentityKind, Layer
from tests.conftest import NOW


def _platform(session: Session, owner: Actor) -> None:
    register_integration(
        session, actor=owner, name="openai-platform", layer=Layer.PLATFORM, now=NOW
    )


def test_declare_records_lane_and_previous_value(session: Session, owner: Actor) -> None:
    _platform(session, owner)
    identity = add_identity(
        session,
        actor=owner,
        integration_name="openai-platform",
        id_or_email="dev@corp.com",
        now=NOW,
    )
    declare(session, actor=owner, identity_id=identity.id or 0, answer=Answer.CUSTOMER, now=NOW)
    declare(
        session,
        actor=owner,
        identity_id=identity.id or 0,
        answer=Answer.WORKFORCE,
        note="developer",
        now=NOW,
    )

    found = who(session, query="dev@corp.com")

    assert [(v.answer, v.declared_by, v.note) for v in found.identities] == [
        (Answer.WORKFORCE, owner.user_id, "developer")
    ]
    assert verify_chain(session).declarations == 2


def test_stranger_cannot_declare(session: Session, owner: Actor, stranger: Actor) -> None:
    _platform(session, owner)
    identity = add_identity(
        session, actor=owner, integration_name="openai-platform", id_or_email="k1", now=NOW
    )

    with pytest.raises(NotAllowed):
        declare(
            session, actor=stranger, identity_id=identity.id or 0, answer=Answer.WORKFORCE, now=NOW
        )

    assert verify_chain(session).declarations == 0


def test_rule_declares_matching_identities_and_names_itself(session: Session, owner: Actor) -> None:
    _platform(session, owner)
    for name, kind in (
        ("sa-1", IdentityKind.SERVICE_ACCOUNT),
        ("sa-2", IdentityKind.SERVICE_ACCOUNT),
        ("h", IdentityKind.HUMAN),
    ):
        add_identity(
            session,
            actor=owner,
            integration_name="openai-platform",
            id_or_email=name,
            kind=kind,
            now=NOW,
        )

    recorded = add_rule(
        session,
        actor=owner,
        integration_name="openai-platform",
        rule="kind:service_account",
        answer=Answer.WORKFORCE,
        now=NOW,
    )
    rest = declare_remaining(
        session, actor=owner, integration_name="openai-platform", answer=Answer.CUSTOMER, now=NOW
    )

    assert (recorded.count, rest.count) == (2, 1)
    assert who(session, query="sa-1").identities[0].rule == "kind:service_account"
    assert verify_chain(session).ok
