"""A small inventory for campaign tests: one application integration with an owner and a
backup, four active identities (one of them the owner's own), two with lanes."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from bot.authorization import Actor
from bot.campaigns.launch import Launched, start_campaign
from bot.declarations import declare
from bot.identities import add_identity
from bot.integrations import register_integration
from storage.vocabulary import Answer, IdentityKind, Layer
from tests.conftest import ADMIN, BACKUP, NOW, OWNER

DUE = date(2026, 12, 14)
ADMIN_ACTOR = Actor(ADMIN, is_admin=True)
MAX_AGE = timedelta(hours=24)
# Positions in the frozen population: in the order the identities were added.
OWN, SVC, TENANT, UNDECLARED = 1, 2, 3, 4


def inventory(session: Session, name: str = "acme-tenant") -> None:
    owner = Actor(OWNER)
    register_integration(
        session, actor=owner, name=name, layer=Layer.APPLICATION, backup_owner=BACKUP, now=NOW
    )
    people = (
        (OWNER, IdentityKind.HUMAN, None),
        ("svc-deploy", IdentityKind.SERVICE_ACCOUNT, Answer.WORKFORCE),
        ("tenant@acme.com", IdentityKind.HUMAN, Answer.CUSTOMER),
        ("zed@acme.com", IdentityKind.HUMAN, None),
    )
    for external_id, kind, lane in people:
        identity = add_identity(
            session, actor=owner, integration_name=name, id_or_email=external_id, kind=kind, now=NOW
        )
        if lane is not None:
            declare(session, actor=owner, identity_id=identity.id or 0, answer=lane, now=NOW)


def launch(session: Session, name: str = "q1-review", **options: object) -> Launched:
    return start_campaign(
        session,
        actor=ADMIN_ACTOR,
        name=name,
        due_on=DUE,
        now=NOW,
        max_sync_age=MAX_AGE,
        **options,  # type: ignore[arg-type]
    )
