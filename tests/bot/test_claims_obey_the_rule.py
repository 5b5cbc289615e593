"""A manual claim never turns a source-reported `platform-only` into `enabled`, and SSO/SCIM
statuses given at registration are claims: evidence, expiry, an entry in the audit chain."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.authorization import Actor
from bot.clock import ManualClock
from bot.connectors.base import Coverage
from bot.coverage import apply_source_facts, claim_coverage, expire_claims
from bot.errors import InvalidInput
from bot.integrations import register_integration, set_coverage
from bot.runtime import Runtime
from storage.models import AuditEvent, CoverageClaim
from storage.vocabulary import CoverageKind, Layer, ScimStatus, Source, SsoStatus
from tests.conftest import NOW
from tests.connectors.helpers import integration

PLATFORM_SCIM = Coverage(scim=ScimStatus.ENABLED, directory_layer=Layer.PLATFORM)


def _tenant_synced_from_the_platform_directory(runtime: Runtime, owner: Actor) -> None:
    with runtime.unit_of_work() as session:
        register_integration(
            session, actor=owner, name="acme-tenant", layer=Layer.APPLICATION, now=NOW
        )
        tenant = integration(session, "acme-tenant")
        apply_source_facts(session, tenant, PLATFORM_SCIM, Source.OKTA, NOW)


def _claim_scim(runtime: Runtime, owner: Actor, value: str) -> CoverageClaim:
    with runtime.unit_of_work() as session:
        return claim_coverage(
            session,
            actor=owner,
            integration_name="acme-tenant",
            kind=CoverageKind.SCIM,
            value=value,
            evidence_url="https://tickets.example/SEC-9",
            review_days=90,
            now=runtime.clock.now(),
        )


def test_a_claim_cannot_upgrade_a_source_reported_platform_only(
    runtime: Runtime, owner: Actor
) -> None:
    _tenant_synced_from_the_platform_directory(runtime, owner)

    with pytest.raises(InvalidInput, match="a manual claim cannot upgrade that") as refused:
        _claim_scim(runtime, owner, "enabled")

    assert "`platform-only` as its okta source reports it" in str(refused.value)
    with runtime.unit_of_work() as session:
        tenant = integration(session, "acme-tenant")
        claims = session.exec(select(CoverageClaim)).all()
    assert (tenant.scim, tenant.scim_source) == (ScimStatus.PLATFORM_ONLY, "okta")
    assert claims == []


def test_a_claim_may_say_less_than_the_source(runtime: Runtime, owner: Actor) -> None:
    _tenant_synced_from_the_platform_directory(runtime, owner)

    _claim_scim(runtime, owner, "none")

    with runtime.unit_of_work() as session:
        assert integration(session, "acme-tenant").scim == ScimStatus.NONE


def test_a_manual_statement_cannot_upgrade_it_either(runtime: Runtime, owner: Actor) -> None:
    _tenant_synced_from_the_platform_directory(runtime, owner)

    with pytest.raises(InvalidInput, match="platform-only"), runtime.unit_of_work() as session:
        set_coverage(session, actor=owner, name="acme-tenant", scim=ScimStatus.ENABLED, now=NOW)


def test_a_live_enabled_claim_does_not_outrank_a_source_reporting_platform_only(
    runtime: Runtime, owner: Actor
) -> None:
    with runtime.unit_of_work() as session:
        register_integration(
            session, actor=owner, name="acme-tenant", layer=Layer.APPLICATION, now=NOW
        )
    _claim_scim(runtime, owner, "enabled")  # before any source said anything

    with runtime.unit_of_work() as session:
        apply_source_facts(
            session, integration(session, "acme-tenant"), PLATFORM_SCIM, Source.OKTA, NOW
        )

    with runtime.unit_of_work() as session:
        tenant = integration(session, "acme-tenant")
    assert (tenant.scim, tenant.scim_source) == (ScimStatus.PLATFORM_ONLY, "okta")


def test_statuses_given_at_registration_are_claims_with_evidence_and_expiry(
    runtime: Runtime, owner: Actor
) -> None:
    with runtime.unit_of_work() as session:
        register_integration(
            session,
            actor=owner,
            name="openai-platform",
            layer=Layer.PLATFORM,
            sso=SsoStatus.ENFORCED,
            scim=ScimStatus.ENABLED,
            evidence_url="https://tickets.example/SEC-3",
            review_days=30,
            now=NOW,
        )

    with runtime.unit_of_work() as session:
        claims = session.exec(select(CoverageClaim).order_by(col(CoverageClaim.kind))).all()
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all()
        platform = integration(session, "openai-platform")
    assert [(c.kind, c.value, c.evidence_url, c.claimed_by) for c in claims] == [
        (CoverageKind.SCIM, "enabled", "https://tickets.example/SEC-3", owner.user_id),
        (CoverageKind.SSO, "enforced", "https://tickets.example/SEC-3", owner.user_id),
    ]
    assert {c.expires_at - c.claimed_at for c in claims} == {timedelta(days=30)}
    assert [e.action for e in events] == [
        "integration.registered",
        "coverage.claimed",
        "coverage.claimed",
    ]
    assert events[1].detail["at_registration"] is True
    assert (platform.sso_source, platform.scim_source) == ("manual", "manual")


def test_statuses_given_at_registration_expire_like_any_claim(
    runtime: Runtime, owner: Actor, clock: ManualClock
) -> None:
    with runtime.unit_of_work() as session:
        register_integration(
            session,
            actor=owner,
            name="openai-platform",
            layer=Layer.PLATFORM,
            scim=ScimStatus.ENABLED,
            evidence_url="https://tickets.example/SEC-3",
            review_days=30,
            now=clock.now(),
        )
    clock.advance(timedelta(days=30, seconds=1))

    with runtime.unit_of_work() as session:
        expired = expire_claims(session, now=clock.now())
        platform = integration(session, "openai-platform")

    assert expired == ["openai-platform"]
    assert (platform.scim, platform.scim_source) == (ScimStatus.UNKNOWN, None)
