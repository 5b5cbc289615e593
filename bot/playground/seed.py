"""Demo data for the playground, written through the same use cases the bot and CLI call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.authorization import Actor
from bot.campaigns.launch import Launched, start_campaign
from bot.declarations import declare
from bot.identities import add_identity
from bot.integrations import register_integration
from storage.vocabulary import Answer, IdentityKind, Layer, ScimStatus, SsoStatus


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    name: str
    email: str
    role: str  # what the page's user switcher says about them


ADMIN = DemoUser("U0PGADMIN", "Ada Admin", "ada@corp.example", "admin")
OWNER = DemoUser("U0PGOWNER", "Omar Owner", "omar@corp.example", "integration owner")
BYSTANDER = DemoUser("U0PGBYSTA", "Bea Bystander", "bea@corp.example", "bystander")
USERS: tuple[DemoUser, ...] = (ADMIN, OWNER, BYSTANDER)

CHANNEL_ID = "C0PLAYGRND"
CHANNEL_NAME = "boundary"
# The seeded SSO/SCIM statuses are claims like any other: a link and an expiry.
EVIDENCE = "https://playground.example/evidence/idp-settings"
REVIEW_DAYS = 90
# The demo campaign is due two days after it starts: the first digest says "due in 2 days",
# and a few days on the clock show "due today", then "OVERDUE" and the escalation.
CAMPAIGN = "playground-review"
CAMPAIGN_DAYS = 2

# Identities per integration: (id or email, kind, display name, role, answer, note, age)
# `age` is how long ago the answer was declared; None means undeclared.
_Row = tuple[str, IdentityKind, str, str | None, Answer | None, str | None, int | None]

_OPENAI: tuple[_Row, ...] = (
    ("omar@corp.example", IdentityKind.HUMAN, "Omar Owner", "owner", Answer.WORKFORCE, None, 10),
    ("lin@corp.example", IdentityKind.HUMAN, "Lin Developer", "reader", Answer.WORKFORCE, None, 5),
    ("sam@corp.example", IdentityKind.HUMAN, "Sam Developer", "reader", None, None, None),
    ("svc-ml-pipeline", IdentityKind.SERVICE_ACCOUNT, "ml-pipeline", None, None, None, None),
    # Declared long ago: older than the review interval, so it shows up as `stale`.
    ("key-batch-eval", IdentityKind.API_KEY, "batch-eval key", None, Answer.WORKFORCE, None, 400),
    ("key-support-bot", IdentityKind.API_KEY, "support-bot key", None, None, None, None),
)
_ACME: tuple[_Row, ...] = (
    ("alice@acme.example", IdentityKind.HUMAN, "Alice (Acme)", "admin", Answer.CUSTOMER, None, 3),
    ("bob@acme.example", IdentityKind.HUMAN, "Bob (Acme)", "member", None, None, None),
    # Staff access to a customer tenant with no note: the `lane-mismatch` gap.
    ("lin@corp.example", IdentityKind.HUMAN, "Lin Developer", "admin", Answer.WORKFORCE, None, 2),
)
_GLOBEX: tuple[_Row, ...] = (
    ("carol@globex.example", IdentityKind.HUMAN, "Carol (Globex)", "admin", None, None, None),
    ("dan@globex.example", IdentityKind.HUMAN, "Dan (Globex)", "member", None, None, None),
)


def seed(session: Session, *, now: datetime) -> None:
    """An OpenAI platform integration and two customer tenants, part-declared on purpose."""
    owner = Actor(OWNER.user_id)
    # globex has SSO but no directory: the `scim` gap, and customer offboarding nobody automates.
    for name, layer, scim, backup, channel in (
        ("openai-platform", Layer.PLATFORM, ScimStatus.ENABLED, ADMIN.user_id, CHANNEL_ID),
        ("acme-tenant", Layer.APPLICATION, ScimStatus.ENABLED, None, None),
        ("globex-tenant", Layer.APPLICATION, ScimStatus.NONE, None, None),
    ):
        register_integration(
            session,
            actor=owner,
            name=name,
            layer=layer,
            backup_owner=backup,
            channel=channel,
            sso=SsoStatus.ENFORCED,
            scim=scim,
            evidence_url=EVIDENCE,
            review_days=REVIEW_DAYS,
            now=now,
        )
    for integration, rows in (
        ("openai-platform", _OPENAI),
        ("acme-tenant", _ACME),
        ("globex-tenant", _GLOBEX),
    ):
        for external_id, kind, name, role, answer, note, age in rows:
            identity = add_identity(
                session,
                actor=owner,
                integration_name=integration,
                id_or_email=external_id,
                kind=kind,
                display_name=name,
                role=role,
                now=now - timedelta(days=age or 1),
            )
            if answer is not None and age is not None:
                declare(
                    session,
                    actor=owner,
                    identity_id=identity.id or 0,
                    answer=answer,
                    note=note,
                    now=now - timedelta(days=age),
                )


def start_demo_campaign(session: Session, *, now: datetime, max_sync_age: timedelta) -> Launched:
    """Ada the admin starts a review of every integration, due CAMPAIGN_DAYS from `now`."""
    due: date = now.date() + timedelta(days=CAMPAIGN_DAYS)
    return start_campaign(
        session,
        actor=Actor(ADMIN.user_id, is_admin=True),
        name=CAMPAIGN,
        due_on=due,
        now=now,
        max_sync_age=max_sync_age,
    )
