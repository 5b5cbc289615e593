"""A campaign with every kind of record an evidence package holds, made through the use cases:
two integrations (one synced from a CSV file, one kept by hand), a failed and a finished sync
run, coverage claims and a manual status, declarations, then a campaign launched, decided
(keep, change, remove, keep the rest), delegated, signed off and closed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.authorization import Actor
from bot.campaigns.closing import close_campaign, sign_off
from bot.campaigns.delegation import delegate
from bot.campaigns.events import find_item, get_campaign
from bot.campaigns.launch import start_campaign
from bot.campaigns.review import decide, decide_remaining
from bot.connectors import ConnectorKind
from bot.coverage import claim_coverage
from bot.declarations import declare
from bot.identities import add_identity
from bot.integrations import register_integration, set_coverage
from bot.runtime import Runtime
from bot.sync import sync_integration
from storage.vocabulary import Answer, CloseRule, CoverageKind, Decision, Layer, SsoStatus
from tests.conftest import ADMIN, NOW, OWNER
from tests.connectors.helpers import connected, identities

CAMPAIGN = "q4-boundary-review"
DELEGATE = "U0DELEGAT"
PEOPLE = (
    "external_id,email,display_name,kind\n"
    'a-1,ana@acme.example,"Ana, ""the"" admin",human\n'
    "a-2,zoe@acme.example,Zoë Ünïcode,human\n"
    'k-1,,"key with\nnewline",api_key\n'
)


def build(runtime: Runtime, tmp_path: Path) -> None:
    owner, admin = Actor(OWNER), Actor(ADMIN, is_admin=True)
    people = tmp_path / "people.csv"
    connected(runtime, owner, "files", Layer.APPLICATION, ConnectorKind.CSV, path=str(people))
    sync_integration(runtime, actor=owner, integration_name="files")  # the file is missing
    people.write_text(PEOPLE, encoding="utf-8")
    sync_integration(runtime, actor=owner, integration_name="files")
    with runtime.unit_of_work() as session:
        register_integration(
            session, actor=owner, name="acme-tenant", layer=Layer.APPLICATION, now=NOW
        )
        for who in ("pat@acme.example", "svc-billing"):
            add_identity(
                session, actor=owner, integration_name="acme-tenant", id_or_email=who, now=NOW
            )
        claim_coverage(
            session,
            actor=owner,
            integration_name="acme-tenant",
            kind=CoverageKind.SSO,
            value="enforced",
            evidence_url="https://tickets.example/SEC-1",
            review_days=90,
            now=NOW,
        )
        set_coverage(session, actor=owner, name="files", sso=SsoStatus.OPTIONAL, now=NOW)
        for found in identities(session, "files").values():
            declare(
                session, actor=owner, identity_id=found.id or 0, answer=Answer.CUSTOMER, now=NOW
            )
        pat = identities(session, "acme-tenant")["pat@acme.example"]
        declare(session, actor=owner, identity_id=pat.id or 0, answer=Answer.WORKFORCE, now=NOW)
    _campaign(runtime, owner, admin)


def _campaign(runtime: Runtime, owner: Actor, admin: Actor) -> None:
    later = NOW + timedelta(hours=1)
    with runtime.unit_of_work() as session:
        start_campaign(
            session,
            actor=admin,
            name=CAMPAIGN,
            due_on=(NOW + timedelta(days=14)).date(),
            now=NOW,
            max_sync_age=timedelta(hours=24),
        )
    with runtime.unit_of_work() as session:
        campaign = get_campaign(session, CAMPAIGN)
        first, second = (
            find_item(session, campaign=campaign, integration="acme-tenant", identity=who).position
            for who in ("pat@acme.example", "svc-billing")
        )
        decide(
            session,
            actor=owner,
            campaign_name=CAMPAIGN,
            position=first,
            decision=Decision.CHANGE,
            lane=Answer.CUSTOMER,
            reason="a tenant admin, not staff",
            now=later,
        )
        delegate(
            session,
            actor=owner,
            campaign_name=CAMPAIGN,
            integration_name="acme-tenant",
            reviewer=DELEGATE,
            identity="svc-billing",
            now=later,
        )
        decide(
            session,
            actor=Actor(DELEGATE),
            campaign_name=CAMPAIGN,
            position=second,
            decision=Decision.REMOVE,
            reason="billing moved off this key",
            now=later,
        )
        decide_remaining(
            session, actor=owner, campaign_name=CAMPAIGN, integration_name="files", now=later
        )
        sign_off(session, actor=owner, campaign_name=CAMPAIGN, integration_name="files", now=later)
        close_campaign(
            session, actor=admin, campaign_name=CAMPAIGN, rule=CloseRule.LEAVE, now=later
        )
